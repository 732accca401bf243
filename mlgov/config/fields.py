"""Field types shared by every stack's config model.

Each type checks one value on its own (format, length) and, when it fails,
says what a good value looks like; pydantic collects these failures across
the whole file. Rules that relate several values (references, uniqueness,
depth) live in ``references.py``; names derived from values in ``derived.py``.

A secret config value (``{secure: ...}``) is never decrypted offline: it reaches
the model as ``SecretText`` and every text check lets it through unread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, WrapValidator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from mlgov import aws_rules
from mlgov.constants import Limit

SECRET_PLACEHOLDER = "[secret]"


class SecretText(str):
    """A secure config value as the offline engine sees it: its content is unknown, it shows as [secret]."""


def is_secret(value: Any) -> bool:
    return isinstance(value, SecretText)


class ConfigModel(BaseModel):
    """Base of every config model: camelCase keys as in the stack files, no unknown keys."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        # NaN or infinity never makes a budget, a count or a duration AWS accepts.
        allow_inf_nan=False,
    )

    def plan_inputs(self) -> dict:
        """The settings a stack's program reads, as JSON data; the plan cache keys a stack on them."""
        return self.model_dump(mode="json", by_alias=True)


def invalid(problem: str, fix: str) -> PydanticCustomError:
    # The fix rides along in the error context so the report can print it.
    return PydanticCustomError("mlgov_invalid", problem, {"fix": fix})


def _keep_secret(value: Any, handler: Callable[[Any], Any]) -> Any:
    # Outermost validator: a secret's content is unknown offline, so no text check may refuse it.
    return value if is_secret(value) else handler(value)


def text_field(*checks: Callable[[str], str]) -> Any:
    """A ``str`` field type running ``checks`` in order; secrets pass unread."""
    return Annotated[str, *(AfterValidator(check) for check in checks), WrapValidator(_keep_secret)]


def checker(problem_of: Callable[[str], str | None], fix: str | Callable[[str], str]) -> Callable[[str], str]:
    """A checker that refuses a value ``problem_of`` finds a problem with, saying ``fix`` (text, or made from the value)."""

    def check(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise invalid(problem, fix(value) if callable(fix) else fix)
        return value

    return check


def rule_checker(rule_of: Callable[[], aws_rules.ValueRule], fix: str) -> Callable[[str], str]:
    """A checker that refuses what an AWS rule (from botocore's models) refuses."""
    return checker(lambda value: rule_of().problem(value), fix)


def email_problem(value: str) -> str | None:
    """Why AWS Organizations would refuse this account email (CreateAccount's Email rule), or None."""
    rule = aws_rules.account_email_rule()
    if not rule.min <= len(value) <= rule.max:
        return f"is {len(value)} characters long; AWS accepts {rule.min}-{rule.max}"
    if rule.problem(value):
        return "is not a valid email address (one '@', no spaces, a domain with a dot)"
    return None


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


Text = text_field()
"""Plain text (secrets stay secrets)."""


def pattern_field(pattern: str, problem: str, fix: str, also: Callable[[str], bool] = lambda value: True) -> Any:
    """A ``str`` field type checked by ``_matching``."""
    return text_field(_matching(pattern, problem, fix, also))


def _tag_key_problem(value: str) -> str | None:
    if " " in value:
        # The key becomes part of an SCP condition key (aws:RequestTag/<key>).
        return "is not a valid cost-allocation tag key: no spaces (it becomes part of the condition key aws:RequestTag/<key>)"
    problem = aws_rules.tag_key_problem(value)
    return f"is not a valid cost-allocation tag key: {problem}" if problem else None


Email = text_field(checker(lambda value: email_problem(value) and f"account email {email_problem(value)}", "use an address such as aws+log-archive@example.com"))
AccountName = text_field(rule_checker(aws_rules.account_name_rule, "use a plain ASCII name of at most 50 characters, for example 'ML Churn Dev'"))
OuNameField = text_field(
    _length_checker("OU name", Limit.OU_NAME_MAX, "Workloads_Dev"),
    _matching(
        r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$",
        "OU name may hold only letters, digits, spaces, '_', '.' and '-', starting with a letter or digit",
        "rename the OU, for example 'Workloads_Regulated'",
    ),
)
Region = text_field(checker(aws_rules.region_problem, aws_rules.region_fix))
RoleName = text_field(rule_checker(aws_rules.role_name_rule, "use a name such as 'OrganizationAccountAccessRole'"))
TagKey = text_field(checker(_tag_key_problem, "use a key such as 'mlgov:cost-center'"))
TagValue = text_field(
    rule_checker(aws_rules.tag_value_rule, "use only letters, digits, spaces and _ . : / = + - @ (for example 'R-and-D' instead of 'R&D')")
)
"""A setting that becomes a tag value on accounts, roles, SageMaker, S3, KMS ... resources."""
ResourceKey = pattern_field(
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
    "must be lower-case letters and digits in words joined by single dashes, starting with a letter, at most 40 characters",
    "use a short name such as 'churn-model'",
    also=lambda value: len(value) <= 40,
)

def instance_type_problem(value: str) -> str | None:
    """An instance type, or an IAM StringLike pattern of them ('*', '?'), that names at least one SageMaker instance type."""
    if not value.startswith("ml."):
        return "is not a SageMaker instance type (they start with 'ml.', such as 'ml.m5.large')"
    if not aws_rules.instance_types_matching(value):
        return "matches no SageMaker instance type in botocore's SageMaker model"
    return None


def instance_type_fix(value: str) -> str:
    import difflib

    close = difflib.get_close_matches(value if value.startswith("ml.") else "ml." + value, aws_rules.sagemaker_instance_types(), n=3, cutoff=0.75)
    hint = f": did you mean {', '.join(repr(name) for name in close)}?" if close else ""
    return f"use an instance type such as 'ml.m5.large' or a pattern such as 'ml.g5.*'{hint}"


InstanceType = text_field(checker(instance_type_problem, instance_type_fix))
"""A SageMaker instance type or a pattern of them, checked against the types botocore's model lists."""

GroupName = pattern_field(
    r"^[\w+=,.@ -]{1,128}$", "is not a valid IAM Identity Center group name", "use the group's display name, such as 'ml-churn-data-scientists'"
)

