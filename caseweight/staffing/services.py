"""Writes for staffing: saving a user's policy file after the engine has validated it."""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from caseweight.engine import Policy, PolicyError, load_policy
from caseweight.staffing import selectors

MAX_POLICY_BYTES = 256 * 1024
# A name becomes a file name: selectors.NAME_PATTERN allows no '/', '\\', '..' nor hidden file,
# so nothing can be written outside the policies folder.
NAME_PATTERN = selectors.NAME_PATTERN
RESERVED_NAMES = {"upload"}  # /staffing/policies/upload/ is the upload page


class PolicyRejected(Exception):
    """An upload refused; `problems` lists (key, message), the key naming what is wrong."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {text}" for key, text in problems))


@dataclass(frozen=True)
class SavedPolicy:
    policy: Policy
    path: Path
    replaced: bool


def policy_name_problem(name: str) -> str | None:
    """Why a name cannot be a user policy's, or None."""
    if not NAME_PATTERN.fullmatch(name):
        return _("%(name)r cannot be a policy name: use letters, digits, '-' and '_' only (64 at most)") % {"name": name}
    if name in selectors.shipped_policy_names():
        return _("%(name)r is the name of a shipped policy: choose another name") % {"name": name}
    if name in RESERVED_NAMES:
        return _("%(name)r is reserved: choose another name") % {"name": name}
    return None


def policy_save(*, content: bytes, file_name: str, replace: bool = False) -> SavedPolicy:
    """Validate a policy file with the engine and save it as <name>.toml in settings.POLICIES_DIR.

    The name is the file's `name` key, else the uploaded file's name without .toml. Nothing is
    written unless the file validates; an existing user policy of that name is replaced only when
    `replace` is set. Raises PolicyRejected with every problem, each naming its key.
    """
    if len(content) > MAX_POLICY_BYTES:
        raise PolicyRejected([("(file)", _("the file is larger than %(kb)d KB") % {"kb": MAX_POLICY_BYTES // 1024})])
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise PolicyRejected([("(file)", _("the file is not UTF-8 text"))]) from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyRejected([("(file)", _("not valid TOML: %(error)s") % {"error": error})]) from None

    name = data.get("name") if isinstance(data.get("name"), str) else Path(file_name).name.removesuffix(".toml")
    problem = policy_name_problem(name)
    if problem:
        raise PolicyRejected([("name", problem)])
    target = selectors.user_policy_path(name)
    exists = target.is_file()
    if exists and not replace:
        raise PolicyRejected([("name", _("a user policy named %(name)r exists: tick “replace” to overwrite it") % {"name": name})])

    # Validate through the engine's own loader, from a file of the final name (its `name` key must
    # match the file name) and with the users' folder searched, so `extends` finds user policies.
    with tempfile.TemporaryDirectory() as folder:
        candidate = Path(folder) / f"{name}.toml"
        candidate.write_bytes(content)
        try:
            policy = load_policy(candidate, search_dirs=selectors.policy_search_dirs())
        except PolicyError as error:
            raise PolicyRejected(error.problems) from None

    # Write beside the target, then rename: a reader never sees half a file. The temporary name
    # does not end in .toml, so list_policies never picks it up.
    policies_dir = Path(settings.POLICIES_DIR)
    policies_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=policies_dir, prefix=f".{name}-", suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return SavedPolicy(policy=load_policy(target, search_dirs=selectors.policy_search_dirs()), path=target, replaced=exists)
