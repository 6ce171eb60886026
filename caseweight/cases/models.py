from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _

from caseweight import codes, rules
from caseweight.organisation.models import Officer, Site, _clean_rule, _code_list


class Case(models.Model):
    """A case under a site's responsibility. `ref` is pseudonymous: never an offender's name."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="cases", verbose_name=_("site"))
    security_level = models.CharField(_("security level"), max_length=20, blank=True)
    supervision_level = models.CharField(_("supervision level"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    factors = models.CharField(_("complexity factors"), max_length=300, blank=True)
    officer = models.ForeignKey(
        Officer, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("officer")
    )
    opened = models.DateField(_("opened"))
    closed = models.DateField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["ref"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(closed__gte=models.F("opened")), name="case_closed_not_before_opened"
            ),
        ]
        indexes = [models.Index(fields=["site", "closed"]), models.Index(fields=["officer", "closed"])]

    def __str__(self):
        return self.ref

    @property
    def level(self) -> str:
        return self.security_level or self.supervision_level

    @property
    def factor_list(self) -> list[str]:
        return [c for c in self.factors.split(codes.LIST_SEPARATOR) if c]

    def clean(self):
        if self.site_id:
            self.security_level, self.supervision_level = _clean_rule(
                lambda: rules.case_levels(
                    site_kind=self.site.kind,
                    site_levels=self.site.security_level_list,
                    security_level=self.security_level,
                    supervision_level=self.supervision_level,
                )
            )
        if self.officer_id and self.site_id and self.officer.site_id != self.site_id:
            raise ValidationError({"officer": _("This officer works at another site.")})
        try:
            codes.parse_code(self.language, codes.LANGUAGES, what=codes.LANGUAGE)
        except codes.CodeError as error:
            raise ValidationError({"language": error.render(gettext)}) from None
        self.factors = codes.join_codes(
            _clean_rule(lambda: _code_list("factors", self.factors, codes.COMPLEXITY_FACTORS, codes.COMPLEXITY_FACTOR))
        )
        _clean_rule(lambda: rules.date_order(start=self.opened, end=self.closed, start_column="opened", end_column="closed"))
