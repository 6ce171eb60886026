"""Deterministic generator of the national demo data set (DESIGN.md §7). Plain Python: no Django.

    generate_demo(seed=2026, today=None, scale=1.0)
        -> {"sites": [...], "officers": [...], "cases": [...], "absences": [...]}

Rows are in the column format of `caseweight.imports.tables` (every value a string, lists
';'-separated, ISO dates, '' for empty), ready for `caseweight.imports.services.import_tables`.
The five CSC regions come from a migration, so there is no "regions" table. The same seed and
`today` give the same rows, byte for byte; `today=None` means the current date.

What the full data set (scale 1.0) holds, in current (open) cases:

- 43 institutions (8 hybrid, 5 of them women's institutions, one healing lodge), with 12,500
  cases in custody; Quebec and Ontario are the largest regions.
- 90 parole offices with 8,300 cases and 14 Community Correctional Centres (CCCs) with 700
  residents: 9,000 in the community. CCC residents are mostly intensive or A.
- About 1,500 officers: mostly POs, one supervisor per site (MAI, POS or CCC manager), case
  management assistants (cma) and Aboriginal liaison officers (alo).
- About 300 closed cases (former officer kept) and a few dozen new cases with no officer yet,
  three of them at ONT-P01, the demo supervisor's office.
- A year of absences up to `today` for every officer (see `_absences` and `_officer_year`):
  annual leave peaking in July-August and at Christmas, short sick spells peaking in winter,
  training, a few secondments of months. An absence under way on `today` may end after it.

Staffing, set on purpose so the staffing reports have something to show (cases per PO FTE):

- over-loaded: institutions ATL-I01, QUE-I02, QUE-I07, ONT-I01, ONT-I06, PRA-I01, PRA-I05,
  PAC-I02 (about 1:34, above even the maximum-security ratio of 1:30); parole offices ATL-P01,
  QUE-P01, QUE-P06, ONT-P01, ONT-P05, ONT-P07, PRA-P01, PRA-P09, PAC-P02 (about 18 cases per
  PO, with twice the usual share of intensive and A cases); CCCs QUE-C01, ONT-C01, PRA-C01
  (about 1:12).
- comfortably staffed: institutions QUE-I04, QUE-I05, ONT-I03, PRA-I06, PRA-I10, PAC-I03
  (about 1:20, below 1:25); parole offices ATL-P13, QUE-P18, ONT-P15, PRA-P16, PAC-P11 (about
  10 per PO); CCCs ATL-C02, PAC-C02 (about 1:7).
- every other site is near the current ratios: institutions about 1:26, parole offices about
  13 cases per PO, CCCs about 1:9.5.

`scale` below 1 keeps that share of the sites of each kind in each region (at least one each,
evenly spaced through the lists from the first one, so ONT-P01 is always there) with their
full-size staff and cases: a smaller but realistic data set, for tests.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass

from caseweight.codes import COMPLEXITY_FACTORS, SUPERVISION_LEVELS

REGIONS = ("ATL", "QUE", "ONT", "PRA", "PAC")

# Open cases in the full data set (DESIGN.md §7): 12,500 in custody, 9,000 in the community.
CUSTODY_CASES = 12_500
PAROLE_OFFICE_CASES = 8_300
CCC_CASES = 700

# Cases per PO FTE that each staffing level is built around (the policy ratios are 1:25 / 1:28 /
# 1:30 in institutions and 1:10 in CCCs; parole offices have no ratio, CPORF counts tasks).
CASES_PER_PO = {
    "institution": {"over": 35, "ok": 27, "light": 21},
    "parole_office": {"over": 19, "ok": 14, "light": 11},
    "ccc": {"over": 13, "ok": 10, "light": 8},
}
FTE_MIX = (("1.0", 0.82), ("0.8", 0.09), ("0.6", 0.05), ("0.5", 0.04))


# ---------------------------------------------------------------------------------------------
# The sites. Institution and CCC names are invented; parole offices carry generic city names.


@dataclass(frozen=True)
class SitePlan:
    name: str
    size: int  # relative number of open cases, scaled to the national totals above
    language: str  # a key of LANGUAGE_PROFILES
    levels: str = ""  # institutions: their security levels
    load: str = "ok"  # "over", "ok" or "light": how well we staff it on purpose
    women: bool = False  # a women's institution: every officer has the `women` specialisation
    healing_lodge: bool = False  # an Indigenous healing lodge: officers `indigenous`, cases planned so


MIN, MED, MAX = "minimum", "medium", "maximum"
ALL_LEVELS = "minimum;medium;maximum"

INSTITUTIONS: dict[str, list[SitePlan]] = {
    "ATL": [
        SitePlan("Tidewater Institution", 400, "bi", MED, "over"),
        SitePlan("Fundy Shore Institution", 120, "bi", MIN),
        SitePlan("Harbour Point Institution", 200, "en", MAX),
        SitePlan("Cabot Ridge Institution", 180, "en", MIN),
        SitePlan("Maritime Women's Institution", 90, "en", ALL_LEVELS, women=True),
    ],
    "QUE": [
        SitePlan("Établissement du Mont-Sauvage", 330, "qc", MAX),
        SitePlan("Établissement Rivière-aux-Pins", 450, "qc", MED, "over"),
        SitePlan("Établissement Val-des-Érables", 420, "fr", MED),
        SitePlan("Établissement Sainte-Brigide", 380, "fr", MED, "light"),
        SitePlan("Établissement Pointe-du-Lac-Bleu", 200, "fr", MIN, "light"),
        SitePlan("Établissement Les Cèdres", 150, "qc", MIN),
        SitePlan("Établissement Haute-Rive", 360, "qc", "medium;maximum", "over"),
        SitePlan("Établissement de la Montagne-Verte", 400, "fr", MED),
        SitePlan("Établissement du Lac-des-Huards", 250, "qc", MAX),
        SitePlan("Établissement pour femmes de Saint-Aubin", 110, "qc", ALL_LEVELS, women=True),
        SitePlan("Établissement Lac-Brûlé", 140, "fr", MIN),
    ],
    "ONT": [
        SitePlan("Limestone Institution", 420, "bi", MAX, "over"),
        SitePlan("Cataraqui Valley Institution", 520, "en+", MED),
        SitePlan("Rideau Heights Institution", 480, "bi", MED, "light"),
        SitePlan("Frontenac Farm Institution", 220, "en", MIN),
        SitePlan("Bay of Quinte Institution", 160, "en", MIN),
        SitePlan("Stonebridge Institution", 480, "en+", "medium;maximum", "over"),
        SitePlan("Northshore Institution", 380, "en+", MED),
        SitePlan("Georgian Pines Institution", 300, "en", "minimum;medium"),
        SitePlan("Trillium Women's Institution", 170, "en+", ALL_LEVELS, women=True),
        SitePlan("Thousand Lakes Institution", 250, "en", MAX),
        SitePlan("Bellrock Institution", 130, "en", MIN),
    ],
    "PRA": [
        SitePlan("Prairie Sky Institution", 450, "en+", MED, "over"),
        SitePlan("Red River Institution", 350, "en+", MAX),
        SitePlan("Coulee Ridge Institution", 500, "en", MED),
        SitePlan("Aspen Parkland Institution", 200, "en", MIN),
        SitePlan("North Saskatchewan Institution", 400, "en", MED, "over"),
        SitePlan("Qu'Appelle Valley Institution", 130, "en", MIN, "light"),
        SitePlan("Boreal Lake Institution", 420, "en", MED),
        SitePlan("Prairie Wind Healing Lodge", 60, "en", MIN, healing_lodge=True),
        SitePlan("Chinook Women's Institution", 160, "en+", ALL_LEVELS, women=True),
        SitePlan("Wolf Willow Institution", 280, "en", MAX, "light"),
    ],
    "PAC": [
        SitePlan("Fraser Bend Institution", 320, "en+", MAX),
        SitePlan("Cascade Mountain Institution", 420, "en", MED, "over"),
        SitePlan("Coastal Cedars Institution", 180, "en", MIN, "light"),
        SitePlan("Okanagan Ridge Institution", 380, "en", MED),
        SitePlan("Pacific Coast Women's Institution", 110, "en+", ALL_LEVELS, women=True),
        SitePlan("Glacier Creek Institution", 260, "en", MIN),
    ],
}

# (city, relative size, language profile, load). Ottawa first in Ontario: the demo supervisor's.
PAROLE_OFFICES: dict[str, list[tuple[str, int, str, str]]] = {
    "ATL": [
        ("Halifax", 220, "en", "over"), ("Dartmouth", 120, "en", "ok"), ("Saint John", 150, "bi", "ok"),
        ("Moncton", 160, "bi", "ok"), ("Fredericton", 110, "bi", "ok"), ("Bathurst", 50, "bi", "ok"),
        ("Miramichi", 45, "bi", "ok"), ("Edmundston", 40, "bi", "ok"), ("Sydney", 90, "en", "ok"),
        ("Truro", 60, "en", "ok"), ("Kentville", 45, "en", "ok"), ("Yarmouth", 30, "en", "ok"),
        ("Charlottetown", 70, "en", "light"), ("Summerside", 30, "en", "ok"), ("St. John's", 150, "en", "ok"),
        ("Corner Brook", 50, "en", "ok"),
    ],
    "QUE": [
        ("Montréal-Centre", 300, "qc", "over"), ("Montréal-Est", 260, "qc", "ok"),
        ("Montréal-Ouest", 220, "qc", "ok"), ("Montréal-Nord", 200, "qc", "ok"), ("Laval", 230, "qc", "ok"),
        ("Longueuil", 220, "qc", "over"), ("Québec", 260, "fr", "ok"), ("Lévis", 110, "fr", "ok"),
        ("Sherbrooke", 150, "qc", "ok"), ("Trois-Rivières", 150, "fr", "ok"), ("Saguenay", 120, "fr", "ok"),
        ("Gatineau", 140, "qc", "ok"), ("Rimouski", 70, "fr", "ok"), ("Rouyn-Noranda", 60, "fr", "ok"),
        ("Saint-Jérôme", 150, "fr", "ok"), ("Granby", 90, "fr", "ok"), ("Drummondville", 90, "fr", "ok"),
        ("Joliette", 100, "fr", "light"), ("Saint-Hyacinthe", 70, "fr", "ok"), ("Sept-Îles", 50, "fr", "ok"),
        ("Baie-Comeau", 40, "fr", "ok"), ("Val-d'Or", 60, "fr", "ok"),
    ],
    "ONT": [
        ("Ottawa", 260, "bi", "over"), ("Toronto Central", 300, "en+", "ok"), ("Toronto East", 280, "en", "ok"),
        ("Toronto West", 260, "en", "ok"), ("Scarborough", 200, "en", "over"), ("Brampton", 240, "en", "ok"),
        ("Mississauga", 200, "en", "over"), ("Hamilton", 250, "en", "ok"), ("Kingston", 180, "en+", "ok"),
        ("London", 220, "en", "ok"), ("Windsor", 180, "en", "ok"), ("Kitchener", 190, "en", "ok"),
        ("St. Catharines", 150, "en", "ok"), ("Oshawa", 160, "en", "ok"), ("Barrie", 140, "en", "light"),
        ("Peterborough", 100, "en", "ok"), ("Sudbury", 120, "bi", "ok"), ("Sault Ste. Marie", 70, "en", "ok"),
        ("Thunder Bay", 110, "en", "ok"), ("North Bay", 70, "en+", "ok"), ("Belleville", 80, "en", "ok"),
        ("Guelph", 90, "en", "ok"),
    ],
    "PRA": [
        ("Winnipeg Centre", 280, "en+", "over"), ("Winnipeg North", 220, "en", "ok"), ("Brandon", 90, "en", "ok"),
        ("Thompson", 60, "en", "ok"), ("Regina", 230, "en", "ok"), ("Saskatoon", 240, "en", "ok"),
        ("Prince Albert", 150, "en", "ok"), ("North Battleford", 70, "en", "ok"),
        ("Edmonton Central", 280, "en+", "over"), ("Edmonton West", 200, "en", "ok"),
        ("Calgary Centre", 280, "en+", "ok"), ("Calgary East", 200, "en", "ok"), ("Red Deer", 110, "en", "ok"),
        ("Lethbridge", 100, "en", "ok"), ("Medicine Hat", 60, "en", "ok"), ("Grande Prairie", 70, "en", "light"),
        ("Fort McMurray", 50, "en", "ok"), ("Yellowknife", 50, "en", "ok"),
    ],
    "PAC": [
        ("Vancouver", 300, "en+", "ok"), ("Surrey", 240, "en", "over"), ("New Westminster", 160, "en", "ok"),
        ("Abbotsford", 140, "en", "ok"), ("Chilliwack", 110, "en", "ok"), ("Victoria", 160, "en+", "ok"),
        ("Nanaimo", 110, "en", "ok"), ("Kamloops", 100, "en", "ok"), ("Kelowna", 110, "en", "ok"),
        ("Prince George", 110, "en", "ok"), ("Whitehorse", 40, "en", "light"), ("Maple Ridge", 80, "en", "ok"),
    ],
}

CCCS: dict[str, list[SitePlan]] = {
    "ATL": [
        SitePlan("Harbourview Community Correctional Centre", 55, "en"),
        SitePlan("Riverside Community Correctional Centre", 40, "bi", load="light"),
    ],
    "QUE": [
        SitePlan("Centre correctionnel communautaire Sainte-Marie", 60, "qc", load="over"),
        SitePlan("Centre correctionnel communautaire des Érables", 50, "qc"),
        SitePlan("Centre correctionnel communautaire Rive-Sud", 45, "qc"),
        SitePlan("Centre correctionnel communautaire du Vieux-Port", 45, "fr"),
    ],
    "ONT": [
        SitePlan("Parkdale Community Correctional Centre", 65, "en", load="over"),
        SitePlan("Lakeshore Community Correctional Centre", 50, "en"),
        SitePlan("Bytown Community Correctional Centre", 45, "bi"),
    ],
    "PRA": [
        SitePlan("Riverbend Community Correctional Centre", 55, "en", load="over"),
        SitePlan("Bow Valley Community Correctional Centre", 50, "en"),
        SitePlan("Northgate Community Correctional Centre", 50, "en+"),
    ],
    "PAC": [
        SitePlan("Harbourside Community Correctional Centre", 55, "en"),
        SitePlan("Fraser Crossing Community Correctional Centre", 40, "en", load="light"),
    ],
}


@dataclass(frozen=True)
class LanguageProfile:
    site_languages: str
    fr_case_share: float  # share of the site's cases whose language is French
    officer_languages: tuple[tuple[str, float], ...]
    fr_name_share: float  # share of officers with French first / last names


LANGUAGE_PROFILES = {
    # English Canada, small sites: English services.
    "en": LanguageProfile("en", 0.0, (("en", 0.9), ("en;fr", 0.1)), 0.08),
    # Large English-Canada cities: French services for a small minority.
    "en+": LanguageProfile("en;fr", 0.04, (("en", 0.78), ("en;fr", 0.22)), 0.12),
    # New Brunswick, Ottawa, Sudbury: officially bilingual.
    "bi": LanguageProfile("en;fr", 0.35, (("en", 0.3), ("en;fr", 0.62), ("fr", 0.08)), 0.5),
    # Montréal and other Quebec cities: mostly French, an English minority.
    "qc": LanguageProfile("en;fr", 0.86, (("fr", 0.45), ("en;fr", 0.55)), 0.85),
    # The rest of Quebec: French.
    "fr": LanguageProfile("fr", 1.0, (("fr", 0.72), ("en;fr", 0.28)), 0.92),
}


@dataclass
class _Site:
    code: str
    region: str
    kind: str
    plan: SitePlan
    open_cases: int = 0
    pos: list[dict] | None = None  # the site's POs' rows, who carry its cases

    @property
    def profile(self) -> LanguageProfile:
        return LANGUAGE_PROFILES[self.plan.language]


def _site_plans() -> list[tuple[str, str, str, SitePlan]]:
    """Every planned site as (code, region, kind, plan), in a fixed order."""
    result = []
    for region in REGIONS:
        for number, plan in enumerate(INSTITUTIONS[region], start=1):
            result.append((f"{region}-I{number:02d}", region, "institution", plan))
        for number, (city, size, language, load) in enumerate(PAROLE_OFFICES[region], start=1):
            if region == "QUE":
                name = f"Bureau de libération conditionnelle de {city}"
            else:
                name = f"{city} Parole Office"
            result.append((f"{region}-P{number:02d}", region, "parole_office", SitePlan(name, size, language, load=load)))
        for number, plan in enumerate(CCCS[region], start=1):
            result.append((f"{region}-C{number:02d}", region, "ccc", plan))
    return result


def site_loads() -> dict[str, str]:
    """The staffing level each site is given on purpose: site code -> "over", "ok" or "light"."""
    return {code: plan.load for code, _region, _kind, plan in _site_plans()}


# ---------------------------------------------------------------------------------------------
# Names: mixed English and French, invented combinations of common names.

FIRST_NAMES_EN = (
    "Sarah", "Emily", "Jessica", "Megan", "Ashley", "Lauren", "Rachel", "Hannah", "Olivia", "Emma",
    "Heather", "Kelly", "Tanya", "Amanda", "Jennifer", "Karen", "Priya", "Aisha", "Mei", "Jasleen",
    "Fatima", "Ana", "Laura", "Nicole", "Alison", "Rebecca", "Colleen", "Shannon", "Danielle", "Naomi",
    "Liam", "Noah", "Ethan", "Ryan", "Tyler", "Matthew", "Daniel", "James", "Michael", "Kevin",
    "Jason", "Brian", "Colin", "Graham", "Arjun", "Omar", "Carlos", "Wei", "Andrew", "Scott",
    "Derek", "Trevor", "Owen", "Adam", "Marcus", "Samuel", "Patrick", "Sean", "Duncan", "Kyle",
)
FIRST_NAMES_FR = (
    "Éloïse", "Amélie", "Hélène", "Gaëlle", "Noémie", "Léa", "Zoé", "Anaïs", "Mélanie", "Geneviève",
    "Maëlle", "Chloé", "Andréanne", "Isabelle", "Marie-Ève", "Josée", "Ginette", "Valérie", "Sylvie",
    "Élise", "Thérèse", "Catherine", "Julie", "Nathalie", "Émilie", "Véronique", "Karine", "Annie",
    "Benoît", "François", "Jérôme", "Stéphane", "Frédéric", "Sébastien", "Étienne", "Raphaël", "Mathieu",
    "Marc-André", "Jean-François", "Réjean", "Cédric", "Loïc", "Guillaume", "Maxime", "Olivier",
    "Simon", "Alexandre", "Philippe", "Luc", "Denis", "Hugo", "Antoine", "Félix", "Yannick",
)
LAST_NAMES_EN = (
    "Smith", "Brown", "Wilson", "MacDonald", "Campbell", "Anderson", "Taylor", "Thompson", "Clarke",
    "Murphy", "Walsh", "Fraser", "Stewart", "Robertson", "Young", "Hughes", "Kelly", "Baker", "Mitchell",
    "Morrison", "MacLeod", "Sinclair", "Patel", "Singh", "Chen", "Wong", "Li", "Nguyen", "Ahmed", "Khan",
    "Grant", "Reid", "Ross", "Hamilton", "Graham", "Ferguson", "Bennett", "Russell", "Harris", "Ward",
    "Foster", "Bishop", "Sutherland", "Kaur", "Park", "Lopez", "Silva", "Cooper", "Doyle", "Burke",
)
LAST_NAMES_FR = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
    "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Paquette", "Girard", "Simard", "Boucher",
    "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe", "Leclerc", "Lefebvre",
    "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martel", "Gilbert", "Hébert", "Drolet", "Bédard",
    "Desjardins", "Lachance", "Thériault", "Cormier", "LeBlanc", "Arsenault", "Richard", "Doucet",
    "Boudreau", "Gélinas", "Ménard", "Rivière", "Légaré",
)


# ---------------------------------------------------------------------------------------------
# Case mixes

# In a hybrid institution, the share of its cases at each of its levels.
HYBRID_MIX = {
    "minimum;medium": {MIN: 0.4, MED: 0.6},
    "medium;maximum": {MED: 0.65, MAX: 0.35},
    ALL_LEVELS: {MIN: 0.3, MED: 0.5, MAX: 0.2},
}
SUPERVISION_MIX = {
    # intensive, A, B, C, D (codes.SUPERVISION_LEVELS)
    "ok": (0.08, 0.22, 0.34, 0.25, 0.11),
    "light": (0.06, 0.20, 0.34, 0.27, 0.13),
    "over": (0.16, 0.32, 0.29, 0.16, 0.07),  # an office drowning in high-contact cases
    "ccc": (0.45, 0.40, 0.12, 0.03, 0.0),  # CCC residents are the highest-need parolees
}
# Number of complexity factors on a case: most have 0 to 2.
FACTOR_COUNT_MIX = (0.30, 0.34, 0.22, 0.09, 0.05)
# The factor a case has that a specialised officer should preferably carry.
FACTOR_SPECIALISATION = {"indigenous_planning": "indigenous", "siu": "siu", "mental_health": "mental_health"}


def _factor_weights(site: _Site, security_level: str) -> dict[str, float]:
    community = site.kind != "institution"
    weights = {
        "functioning": 1.0,
        "social_history": 1.0,
        "conditions_adherence": 1.2 if community else 0.5,
        "family_support": 0.9,
        "mental_health": 1.1,
        "trauma": 1.0,
        # Indigenous people are most over-represented in the Prairies' federal population.
        "indigenous_planning": {"PRA": 1.8, "PAC": 0.8}.get(site.region, 0.45),
        # Structured Intervention Units exist only in maximum and medium institutions.
        "siu": {MAX: 0.5, MED: 0.1}.get(security_level, 0.0),
        "far_from_home": 0.5 if community else 0.3,
        "deportation": 0.06,
        "interpreter": 0.04,
    }
    if site.plan.healing_lodge:
        weights["indigenous_planning"] = 8.0
    return weights


# ---------------------------------------------------------------------------------------------
# Generator


def generate_demo(
    *, seed: int = 2026, today: dt.date | None = None, scale: float = 1.0
) -> dict[str, list[dict[str, str]]]:
    """The demo tables for import. Deterministic in (seed, today, scale)."""
    if not 0 < scale <= 1:
        raise ValueError(f"scale {scale!r} must be more than 0 and at most 1")
    today = today or dt.date.today()
    rng = random.Random(seed)
    sites = _sites(rng, scale)
    officers = _officers(rng, sites)
    cases = _cases(rng, sites, today)
    absences = _absences(seed, officers, today)
    return {
        "sites": [
            {
                "code": site.code,
                "name": site.plan.name,
                "region": site.region,
                "kind": site.kind,
                "security_levels": site.plan.levels,
                "languages": site.profile.site_languages,
            }
            for site in sites
        ],
        "officers": officers,
        "cases": cases,
        "absences": absences,
    }


def _sites(rng: random.Random, scale: float) -> list[_Site]:
    plans = _site_plans()
    totals = {"institution": CUSTODY_CASES, "parole_office": PAROLE_OFFICE_CASES, "ccc": CCC_CASES}
    # Each site's size varies by up to ±12% with the seed; the national totals stay fixed.
    noisy = [plan.size * rng.uniform(0.88, 1.12) for _code, _region, _kind, plan in plans]
    sums = {kind: sum(n for n, (_c, _r, k, _p) in zip(noisy, plans) if k == kind) for kind in totals}
    sites = [
        _Site(code, region, kind, plan, open_cases=max(5, round(n * totals[kind] / sums[kind])))
        for n, (code, region, kind, plan) in zip(noisy, plans)
    ]
    if scale < 1:
        kept = []
        for region in REGIONS:
            for kind in totals:
                group = [s for s in sites if s.region == region and s.kind == kind]
                count = max(1, round(len(group) * scale))
                # Evenly spaced through the list, from the first: a mix of sizes and loads.
                kept.extend(group[index * len(group) // count] for index in range(count))
        sites = [s for s in sites if s in kept]
    return sites


def _weighted(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


def _officers(rng: random.Random, sites: list[_Site]) -> list[dict[str, str]]:
    rows = []
    used_names: set[str] = set()
    for site in sites:
        cases = site.open_cases
        # POs until their FTE reaches the site's intended caseload per PO (within a quarter FTE).
        needed = cases / CASES_PER_PO[site.kind][site.plan.load]
        po_ftes = [_weighted(rng, *zip(*FTE_MIX))]
        while sum(float(fte) for fte in po_ftes) < needed - 0.25:
            po_ftes.append(_weighted(rng, *zip(*FTE_MIX)))
        n_po = len(po_ftes)
        if site.kind == "institution":
            roles = ["mai"] + ["po"] * n_po + ["cma"] * max(1, round(cases / 160))
            if site.region in ("PRA", "PAC") or cases >= 300 or site.plan.healing_lodge:
                roles.append("alo")
        elif site.kind == "parole_office":
            roles = ["pos"] + ["po"] * n_po + ["cma"] * (0 if cases < 60 else max(1, round(cases / 200)))
            if site.region == "PRA" and cases >= 150:
                roles.append("alo")
        else:
            roles = ["ccc_manager"] + ["po"] * n_po
        profile = site.profile
        site.pos = []
        for number, role in enumerate(roles, start=1):
            supervisor = number == 1
            if supervisor:
                # Supervisors of bilingual sites hold bilingual positions; they work full time.
                languages = "en" if profile.site_languages == "en" else "en;fr"
                fte = "1.0"
            else:
                languages = _weighted(rng, *zip(*profile.officer_languages))
                fte = po_ftes.pop() if role == "po" else _weighted(rng, *zip(*FTE_MIX))
            row = {
                "code": f"{site.code}-{number:02d}",
                "name": _name(rng, profile.fr_name_share, used_names),
                "site": site.code,
                "role": role,
                "fte": fte,
                "languages": languages,
                "specialisations": ";".join(_specialisations(rng, site, role)),
            }
            rows.append(row)
            if role == "po":
                site.pos.append(row)
        # Every language of the site is spoken by at least one of its POs.
        for language in site.profile.site_languages.split(";"):
            if not any(language in po["languages"].split(";") for po in site.pos):
                site.pos[0]["languages"] = "en;fr"
    return rows


def _name(rng: random.Random, fr_share: float, used: set[str]) -> str:
    # A few tries for a name nobody has yet; a rare repeat is harmless (and happens in real life).
    for _attempt in range(6):
        first = rng.choice(FIRST_NAMES_FR if rng.random() < fr_share else FIRST_NAMES_EN)
        last = rng.choice(LAST_NAMES_FR if rng.random() < fr_share else LAST_NAMES_EN)
        name = f"{first} {last}"
        if name not in used:
            break
    used.add(name)
    return name


def _specialisations(rng: random.Random, site: _Site, role: str) -> list[str]:
    """In the canonical order of codes.SPECIALISATIONS: indigenous, women, mental_health, siu."""
    result = []
    indigenous_share = {"PRA": 0.22, "PAC": 0.12}.get(site.region, 0.06)
    if role == "alo" or site.plan.healing_lodge or (role == "po" and rng.random() < indigenous_share):
        result.append("indigenous")
    if site.plan.women or (role == "po" and site.kind != "institution" and rng.random() < 0.04):
        result.append("women")
    if role == "po" and rng.random() < 0.08:
        result.append("mental_health")
    siu_share = 0.14 if MAX in site.plan.levels else (0.05 if MED in site.plan.levels else 0.0)
    if role == "po" and rng.random() < siu_share:
        result.append("siu")
    return result


def _cases(rng: random.Random, sites: list[_Site], today: dt.date) -> list[dict[str, str]]:
    # Per site: its open cases (a few of them new and not assigned yet) and a few closed ones.
    plan = []
    for site in sites:
        new = 3 if site.code == "ONT-P01" else _weighted(rng, (0, 1, 2), (0.75, 0.2, 0.05))
        closed = round(site.open_cases * rng.uniform(0.008, 0.02))
        plan.append((site, new, closed))
    total = sum(site.open_cases + closed for site, _new, closed in plan)
    # Pseudonymous references: random 7-digit numbers, never a name.
    refs = iter(f"C-{number:07d}" for number in rng.sample(range(1, 10_000_000), total))
    rows = []
    for site, new, closed in plan:
        pools = _officer_pools(site)
        for index in range(site.open_cases + closed):
            if index < site.open_cases - new:
                kind = "current"
            elif index < site.open_cases:
                kind = "new"
            else:
                kind = "closed"
            rows.append(_case(rng, site, pools, next(refs), kind, today))
    return rows


def _officer_pools(site: _Site) -> dict[str, tuple[list[dict], list[float]]]:
    """The POs who speak each language, with cumulative FTE weights for a fast weighted draw."""
    pools = {}
    for language in ("en", "fr"):
        speakers = [po for po in site.pos if language in po["languages"].split(";")]
        cumulative, running = [], 0.0
        for po in speakers:
            running += float(po["fte"])
            cumulative.append(running)
        pools[language] = (speakers, cumulative)
    return pools


def _draw(rng: random.Random, speakers: list[dict], cumulative: list[float]) -> dict:
    return speakers[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _case(rng, site: _Site, pools, ref: str, kind: str, today: dt.date) -> dict[str, str]:
    if site.kind == "institution":
        levels = site.plan.levels.split(";")
        if len(levels) == 1:
            security_level = levels[0]
        else:
            mix = HYBRID_MIX[site.plan.levels]
            security_level = _weighted(rng, levels, [mix[level] for level in levels])
        supervision_level = ""
    else:
        security_level = ""
        mix = SUPERVISION_MIX["ccc" if site.kind == "ccc" else site.plan.load]
        supervision_level = _weighted(rng, SUPERVISION_LEVELS, mix)
    language = "fr" if rng.random() < site.profile.fr_case_share else "en"
    if not pools[language][0]:
        # Nobody here speaks it (a site's languages always have a speaker): the site's other one.
        language = "fr" if language == "en" else "en"

    weights = _factor_weights(site, security_level)
    count = _weighted(rng, range(len(FACTOR_COUNT_MIX)), FACTOR_COUNT_MIX)
    factors = set()
    for _ in range(count):
        options = [f for f in COMPLEXITY_FACTORS if f not in factors and weights[f] > 0]
        factors.add(_weighted(rng, options, [weights[f] for f in options]))

    officer = ""
    if kind != "new":
        speakers, cumulative = pools[language]
        officer = _draw(rng, speakers, cumulative)
        # A case needing a specialisation goes to a specialist three times in four, when there is one.
        needed = [FACTOR_SPECIALISATION[f] for f in sorted(factors) if f in FACTOR_SPECIALISATION]
        if needed:
            specialists = [po for po in speakers if needed[0] in po["specialisations"].split(";")]
            if specialists and rng.random() < 0.75:
                officer = rng.choice(specialists)
        officer = officer["code"]

    # Custody cases date from the last four years of sentences, community ones from the last three.
    if kind == "new":
        opened = today - dt.timedelta(days=rng.randint(0, 13))
        closed = ""
    elif kind == "closed":
        opened = today - dt.timedelta(days=rng.randint(400, 1400))
        closed = (opened + dt.timedelta(days=rng.randint(60, (today - opened).days - 1))).isoformat()
    else:
        opened = today - dt.timedelta(days=rng.randint(14, 4 * 365 if site.kind == "institution" else 3 * 365))
        closed = ""
    return {
        "ref": ref,
        "site": site.code,
        "security_level": security_level,
        "supervision_level": supervision_level,
        "language": language,
        "factors": ";".join(f for f in COMPLEXITY_FACTORS if f in factors),
        "officer": officer,
        "opened": opened.isoformat(),
        "closed": closed,
    }


# ---------------------------------------------------------------------------------------------
# Absences

WINDOW = 365  # days, ending at `today`: the year of absence history


def _season(kind: str, day: dt.date) -> float:
    """How likely an absence of this kind starts on this day, relative to other days."""
    month = day.month
    if kind == "summer":  # the long summer holiday: July and August, a little late June
        if month in (7, 8) and not (month == 8 and day.day > 24):
            return 1.0
        return 0.4 if month == 6 and day.day >= 15 else 0.0
    if kind == "december":  # the holidays around Christmas
        return 1.0 if month == 12 and 15 <= day.day <= 29 else 0.0
    if kind == "annual":  # the rest of the annual leave, in short blocks
        return {1: 0.6, 2: 0.6, 3: 1.2, 4: 0.8, 5: 0.8, 6: 1.1, 7: 1.6, 8: 1.6, 9: 0.6, 10: 0.9, 11: 0.7, 12: 1.3}[month]
    if kind == "sick":  # colds and flu: more in winter
        return {12: 1.6, 1: 1.7, 2: 1.6, 3: 1.3, 11: 1.1, 4: 1.0, 5: 0.9, 10: 0.9}.get(month, 0.6)
    if kind == "training":  # courses run in the fall and winter terms, hardly in summer
        return {9: 1.5, 10: 1.5, 11: 1.5, 1: 1.3, 2: 1.3, 3: 1.3, 4: 1.0, 5: 1.0, 6: 0.4, 12: 0.4}.get(month, 0.1)
    return 1.0  # secondment, other: any time


class _YearCalendar:
    """The working days of one calendar year and its seasonal start-day draws, shared by all officers."""

    def __init__(self, year: int):
        first = dt.date(year, 1, 1)
        self.days = [first + dt.timedelta(days=d) for d in range((dt.date(year + 1, 1, 1) - first).days)]
        self.workday = [day.weekday() < 5 for day in self.days]
        self.last_workday = max(d for d, work in enumerate(self.workday) if work)
        self.starts: dict[str, tuple[list[int], list[float]]] = {}
        for kind in ("summer", "december", "annual", "sick", "training", "other"):
            candidates, cumulative, running = [], [], 0.0
            for d, day in enumerate(self.days):
                weight = _season(kind, day) if self.workday[d] else 0.0
                if weight > 0:
                    running += weight
                    candidates.append(d)
                    cumulative.append(running)
            self.starts[kind] = (candidates, cumulative)

    def draw_start(self, rng: random.Random, kind: str) -> int:
        candidates, cumulative = self.starts[kind]
        return candidates[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]

    def span(self, start: int, workdays: int) -> int:
        """The last day of an absence of `workdays` working days from `start`, cut at the year's end."""
        d, left = start, workdays
        while d < self.last_workday:
            if self.workday[d]:
                left -= 1
                if left == 0:
                    return d
            d += 1
        return self.last_workday


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means used here (Python 3.11 has no Poisson draw).
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _absences(seed: int, officers: list[dict], today: dt.date) -> list[dict[str, str]]:
    """Every officer's absences that start in the year up to `today`.

    Each officer's calendar year is drawn from its own generator, seeded by (seed, officer,
    year), and the year up to `today` is cut out of those years. So the demo generated a day
    later has the same absences but for the few that start on the new day or on the day that
    left the window: loading it again each day changes a handful of rows, not all of them.
    An absence under way on `today` keeps its end, as a booked leave or a secondment would.
    """
    first = today - dt.timedelta(days=WINDOW - 1)
    calendars = [_YearCalendar(year) for year in range(first.year, today.year + 1)]
    rows = []
    for officer in officers:
        code = officer["code"]
        for calendar in calendars:
            rng = random.Random(f"{seed}:{code}:{calendar.days[0].year}")
            for start, end, kind in _officer_year(rng, calendar):
                if first <= start <= today:
                    rows.append({"officer": code, "kind": kind, "start": start.isoformat(), "end": end.isoformat()})
    return rows


def _officer_year(rng: random.Random, calendar: _YearCalendar) -> list[tuple[dt.date, dt.date, str]]:
    """One officer's absences in one calendar year, placed so that none overlaps another.

    - secondment: about 2% of officers, 2 to 6 months, placed first;
    - annual leave: 15 to 25 days (PA agreement, by years of service), most officers taking a
      one- to three-week summer block in July-August, many a few days around Christmas, the rest
      in short blocks through the year;
    - sick leave: spells of 1 to 3 days, about 9.5 days a year on average with some officers
      much more than others (a gamma-distributed propensity), more in winter; a few officers
      have one long sickness of 2 to 4 weeks;
    - training: 1 to 3 courses of 1 to 3 days, in the fall and winter;
    - other leave (family, bereavement): now and then, 1 to 3 days.
    """
    busy = bytearray(len(calendar.days))
    placed: list[tuple[int, int, str]] = []

    def place(kind: str, season: str, workdays: int) -> bool:
        for _attempt in range(8):
            start = calendar.draw_start(rng, season)
            end = calendar.span(start, workdays)
            if 1 not in busy[start:end + 1]:
                busy[start:end + 1] = b"\x01" * (end + 1 - start)
                placed.append((start, end, kind))
                return True
        return False

    if rng.random() < 0.02:
        place("secondment", "other", rng.randint(40, 130))

    annual = rng.randint(15, 25)
    if rng.random() < 0.85:
        block = min(annual, _weighted(rng, (5, 10, 15), (0.35, 0.5, 0.15)))
        if place("annual", "summer", block):
            annual -= block
    if annual >= 3 and rng.random() < 0.65:
        block = min(annual, _weighted(rng, (3, 4, 5, 7), (0.3, 0.2, 0.35, 0.15)))
        if place("annual", "december", block):
            annual -= block
    for _attempt in range(30):
        if annual <= 0:
            break
        block = min(annual, _weighted(rng, (1, 2, 3, 5), (0.3, 0.25, 0.25, 0.2)))
        if place("annual", "annual", block):
            annual -= block

    if rng.random() < 0.03:
        place("sick", "sick", rng.randint(10, 20))
    propensity = rng.gammavariate(1.5, 1 / 1.5)  # mean 1: most officers a little, a few a lot
    for _ in range(_poisson(rng, 5.4 * propensity)):
        place("sick", "sick", _weighted(rng, (1, 2, 3), (0.5, 0.3, 0.2)))

    for _ in range(_weighted(rng, (0, 1, 2, 3), (0.15, 0.4, 0.3, 0.15))):
        place("training", "training", _weighted(rng, (1, 2, 3), (0.4, 0.3, 0.3)))

    if rng.random() < 0.2:
        place("other", "other", rng.randint(1, 3))

    return [(calendar.days[start], calendar.days[end], kind) for start, end, kind in sorted(placed)]
