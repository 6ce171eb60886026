"""Writes for staffing: saving a user's policy file after the engine has validated it."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseweight.accounts import scope
from caseweight.engine import Policy, PolicyError, load_policy
from caseweight.engine.policy import is_policy_name, read_policy_text
from caseweight.staffing import selectors
from caseweight.staffing.models import UserPolicy

RESERVED_NAMES = {"upload"}  # /staffing/policies/upload/ is the upload page


def max_policy_bytes() -> int:
    return settings.MAX_POLICY_KB * 1024


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
    if not is_policy_name(name):
        return _("%(name)r cannot be a policy name: use letters, digits, '-' and '_' only (64 at most)") % {"name": name}
    if name in selectors.shipped_policy_names():
        return _("%(name)r is the name of a shipped policy: choose another name") % {"name": name}
    if name in RESERVED_NAMES:
        return _("%(name)r is reserved: choose another name") % {"name": name}
    return None


def _replace_problem(*, user, name: str, record: UserPolicy | None) -> str | None:
    """Why `user` may not overwrite the user policy file `name` (scope.can_replace_policy), or None."""
    if scope.can_replace_policy(user, record):
        return None
    if record is None or record.uploaded_by is None:
        return _("%(name)r is a policy placed on the server by hand: only a national analyst may replace it; "
                 "upload yours under another name") % {"name": name}  # fmt: skip
    return _("%(name)r was uploaded by %(account)s: only they or a national analyst may replace it; "
             "upload yours under another name") % {"name": name, "account": record.uploaded_by.get_username()}  # fmt: skip


def policy_save(*, content: bytes, file_name: str, user, replace: bool = False) -> SavedPolicy:
    """Validate a policy file with the engine and save it as <name>.toml in settings.POLICIES_DIR,
    recording `user` as its uploader (staffing.UserPolicy, in the same transaction as the file).

    The name is the file's `name` key, else the uploaded file's name without .toml. Nothing is
    written unless the file validates; an existing user policy of that name is replaced only when
    `replace` is set and the user may replace it (their own upload; a national analyst: any).
    Raises PolicyRejected with every problem, each naming its key.
    """
    if len(content) > max_policy_bytes():
        raise PolicyRejected([("(file)", _(
            "the file is larger than the upload limit of %(kb)d KB (CASEWEIGHT_MAX_POLICY_KB): a bigger policy can "
            "be placed in the server's policies folder (CASEWEIGHT_POLICIES_DIR) by its administrator, or given to "
            "the command line (caseweight staffing --policy FILE)") % {"kb": settings.MAX_POLICY_KB})])  # fmt: skip
    try:
        data = read_policy_text(content)
    except PolicyError as error:
        raise PolicyRejected(error.problems) from None

    name = data.get("name") if isinstance(data.get("name"), str) else Path(file_name).name.removesuffix(".toml")
    problem = policy_name_problem(name)
    if problem:
        raise PolicyRejected([("name", problem)])

    # Validate through the engine's own loader, from a file of the final name (its `name` key must
    # match the file name) and with the users' folder searched, so `extends` finds user policies.
    with tempfile.TemporaryDirectory() as folder:
        candidate = Path(folder) / f"{name}.toml"
        candidate.write_bytes(content)
        try:
            load_policy(candidate, search_dirs=selectors.policy_search_dirs())
        except PolicyError as error:
            raise PolicyRejected(error.problems) from None

    # Write beside the target, then rename: a reader never sees half a file. The temporary name
    # does not end in .toml, so list_policies never picks it up.
    policies_dir = Path(settings.POLICIES_DIR)
    policies_dir.mkdir(parents=True, exist_ok=True)
    target = selectors.user_policy_path(name)
    handle, temporary = tempfile.mkstemp(dir=policies_dir, prefix=f".{name}-", suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        # The record is locked while the file is checked and renamed: two uploads of one name
        # cannot both pass the owner check. Should the rename fail, the record rolls back.
        with transaction.atomic():
            record = UserPolicy.objects.select_for_update().filter(name=name).first()
            exists = target.is_file()
            if exists:
                refused = _replace_problem(user=user, name=name, record=record)
                if refused:
                    raise PolicyRejected([("name", refused)])
                if not replace:
                    raise PolicyRejected([("name", _("a user policy named %(name)r exists: tick “replace” to overwrite it")
                                           % {"name": name})])  # fmt: skip
            # A first upload creates the record: of two at once, the second fails on the unique name.
            record = record or UserPolicy(name=name)
            record.uploaded_by, record.uploaded_at = user, timezone.now()
            record.digest = hashlib.sha256(content).hexdigest()
            record.save()
            os.replace(temporary, target)
    except IntegrityError:
        raise PolicyRejected([("name", _("another upload of %(name)r was saved at the same moment: nothing was "
                                         "written, try again") % {"name": name})]) from None  # fmt: skip
    finally:
        Path(temporary).unlink(missing_ok=True)
    return SavedPolicy(policy=load_policy(target, search_dirs=selectors.policy_search_dirs()), path=target, replaced=exists)
