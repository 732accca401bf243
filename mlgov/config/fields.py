"""Field types shared by every stack's config model.

Each type checks one value on its own (format, length) and, when it fails,
says what a good value looks like; pydantic collects these failures across
the whole file. Rules that relate several values (references, uniqueness,
depth) live in ``references.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from mlgov.constants import Limit


class ConfigModel(BaseModel):
    """Base of every config model: camelCase keys as in the stack files, no unknown keys."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_enum_values=False,
    )

    def plan_inputs(self) -> dict:
        """The settings a stack's program reads, as JSON data; the plan cache keys a stack on them."""
        return self.model_dump(mode="json", by_alias=True)


def invalid(problem: str, fix: str) -> PydanticCustomError:
    # The fix rides along in the error context so the report can print it.
    return PydanticCustomError("mlgov_invalid", problem, {"fix": fix})


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_problem(value: str) -> str | None:
    """Why AWS would refuse this account email (CreateAccount: 6-64 characters, one '@', a dotted domain), or None."""
    if not Limit.EMAIL_MIN <= len(value) <= Limit.EMAIL_MAX:
        return f"is {len(value)} characters long; AWS accepts {Limit.EMAIL_MIN}-{Limit.EMAIL_MAX}"
    if not _EMAIL.match(value):
        return "is not a valid email address (one '@', no spaces, a domain with a dot)"
    return None


def _check_email(value: str) -> str:
    problem = email_problem(value)
    if problem:
        raise invalid(f"account email {problem}", "use an address such as aws+log-archive@example.com")
    return value


def _length_checker(what: str, maximum: int, example: str):
    def check(value: str) -> str:
        if not value or len(value) > maximum:
            raise invalid(
                f"{what} must be 1-{maximum} characters, this one has {len(value)}",
                f"use a shorter {what}, for example {example!r}",
            )
        return value

    return check


def _matching(pattern: str, problem: str, fix: str, also: Callable[[str], bool] = lambda value: True) -> Callable[[str], str]:
    """A checker that accepts values matching ``pattern`` (and ``also``), else reports ``problem`` and ``fix``."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value) or not also(value):
            raise invalid(problem, fix)
        return value

    return check


def pattern_field(pattern: str, problem: str, fix: str, also: Callable[[str], bool] = lambda value: True) -> Any:
    """A ``str`` field type checked by ``_matching``."""
    return Annotated[str, AfterValidator(_matching(pattern, problem, fix, also))]


Email = Annotated[str, AfterValidator(_check_email)]
AccountName = Annotated[str, AfterValidator(_length_checker("account name", Limit.ACCOUNT_NAME_MAX, "ML Churn Dev"))]
OuNameField = Annotated[
    str,
    AfterValidator(_length_checker("OU name", Limit.OU_NAME_MAX, "Workloads_Dev")),
    AfterValidator(
        _matching(
            r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$",
            "OU name may hold only letters, digits, spaces, '_', '.' and '-', starting with a letter or digit",
            "rename the OU, for example 'Workloads_Regulated'",
        )
    ),
]
Region = pattern_field(r"^[a-z]{2}(-gov)?-[a-z]+-\d$", "is not an AWS region name", "use a region code such as 'eu-west-1'")
RoleName = pattern_field(
    r"^[\w+=,.@-]{1,64}$",
    "is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)",
    "use a name such as 'OrganizationAccountAccessRole'",
)
TagKey = pattern_field(
    # No spaces: the key becomes part of an SCP condition key (aws:RequestTag/<key>), as the guardrail settings require.
    r"^[\w.:/=+@-]{1,128}$",
    "is not a valid cost-allocation tag key (1-128 of letters, digits and _.:/=+@-, not starting with 'aws:')",
    "use a key such as 'mlgov:cost-center'",
    also=lambda value: not value.lower().startswith("aws:"),
)
ResourceKey = pattern_field(
    r"^[a-z][a-z0-9-]{0,39}$",
    "must be lower-case letters, digits and '-', starting with a letter, at most 40 characters",
    "use a short name such as 'churn-model'",
)

GroupName = pattern_field(
    r"^[\w+=,.@ -]{1,128}$", "is not a valid IAM Identity Center group name", "use the group's display name, such as 'ml-churn-data-scientists'"
)
