"""What AWS accepts, read from botocore's service models and endpoint data.

The create operations of botocore's service models carry most of the rules an
AWS name must follow (``min``, ``max``, ``pattern``, ``enum``); the endpoint
data lists the regions of each partition. Reading them here, instead of copying
them into hand-written patterns, keeps the config checks in step with the SDK
pin. The few rules botocore does not carry (S3 bucket names, availability zones,
the GitHub and git naming rules) are written out below with their public source.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

import regex

PARTITION = "aws"
"""The partition mlgov builds ARNs for (every ARN the program writes starts with ``arn:aws:``)."""

_PATTERN_TIMEOUT_S = 1.0
"""Some model patterns backtrack badly on long inputs; a value that needs longer is refused as malformed."""


@functools.cache
def _session():
    import botocore.session

    return botocore.session.get_session()


@functools.cache
def service_model(service: str):
    return _session().get_service_model(service)


# Java (UTF-16) spells the supplementary planes as a surrogate-pair range; Python matches code points.
_JAVA_SURROGATE_RANGE = "\\uD800\\uDC00-\\uDBFF\\uDFFF"


@functools.cache
def _compiled(pattern: str) -> "regex.Pattern[str]":
    return regex.compile(pattern.replace(_JAVA_SURROGATE_RANGE, "\\U00010000-\\U0010FFFF"))


def matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches a botocore (Java) pattern as a whole."""
    try:
        return _compiled(pattern).fullmatch(value, timeout=_PATTERN_TIMEOUT_S) is not None
    except TimeoutError:
        return False


@dataclass(frozen=True)
class ValueRule:
    """One AWS rule for a text value: lengths, patterns and allowed values, with words for people."""

    what: str
    """What the value is to AWS, e.g. 'IAM role name'."""
    min: int | None = None
    max: int | None = None
    patterns: tuple[str, ...] = ()
    enum: tuple[str, ...] = ()
    allowed: str | None = None
    """The patterns in words, e.g. "letters, digits and + = , . @ _ -"."""

    def problem(self, value: str) -> str | None:
        """Why AWS would refuse ``value`` as this kind of value, or None."""
        length = len(value)
        if self.min is not None and length < self.min or self.max is not None and length > self.max:
            if not self.min:
                bounds = f"at most {self.max}"
            else:
                bounds = f"{self.min}-{self.max}" if self.max is not None else f"at least {self.min}"
            return f"{self.what} must be {bounds} characters, this one has {length}"
        if self.enum and value not in self.enum:
            return f"{self.what} must be one of {', '.join(self.enum)}"
        if any(not matches(pattern, value) for pattern in self.patterns):
            words = self.allowed or " and ".join(f"the pattern {pattern}" for pattern in self.patterns)
            return f"{self.what} may hold only {words}"
        return None


def _rule_of(shape, what: str, allowed: str | None) -> ValueRule:
    metadata = shape.metadata
    return ValueRule(
        what=what,
        min=metadata.get("min"),
        max=metadata.get("max"),
        patterns=(metadata["pattern"],) if metadata.get("pattern") else (),
        enum=tuple(shape.enum or ()),
        allowed=allowed,
    )


@functools.cache
def member_rule(service: str, operation: str, member: str, what: str, allowed: str | None = None) -> ValueRule:
    """The rule of ``operation``'s input member ``member`` (dotted for nested structures, e.g. 'Budget.BudgetName')."""
    shape = service_model(service).operation_model(operation).input_shape
    for part in member.split("."):
        shape = shape.members[part]
        while shape.type_name == "list":
            shape = shape.member
    return _rule_of(shape, what, allowed)


def strictest(what: str, rules: Iterable[ValueRule], allowed: str | None = None) -> ValueRule:
    """A value several services receive: the highest minimum, the lowest maximum, every pattern."""
    rules = list(rules)
    minimums = [rule.min for rule in rules if rule.min is not None]
    maximums = [rule.max for rule in rules if rule.max is not None]
    return ValueRule(
        what=what,
        min=max(minimums) if minimums else None,
        max=min(maximums) if maximums else None,
        patterns=tuple(dict.fromkeys(pattern for rule in rules for pattern in rule.patterns)),
        allowed=allowed,
    )


# ---------------------------------------------------------------- tags
TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @"

# (service, tag structure, key member, value member) of every service the program tags resources of.
# S3 and EC2 tags carry no pattern in the models; their documented limits (128 / 256) are no looser.
_TAG_SHAPES: tuple[tuple[str, str, str, str], ...] = (
    ("organizations", "Tag", "Key", "Value"),
    ("iam", "Tag", "Key", "Value"),
    ("sagemaker", "Tag", "Key", "Value"),
    ("kms", "Tag", "TagKey", "TagValue"),
    ("budgets", "ResourceTag", "Key", "Value"),
    ("ecr", "Tag", "Key", "Value"),
    ("codeartifact", "Tag", "key", "value"),
    ("servicecatalog", "Tag", "Key", "Value"),
    ("sso-admin", "Tag", "Key", "Value"),
    ("glue", "Tag", "key", "value"),
    ("cloudtrail", "Tag", "Key", "Value"),
)


def _tag_rule(member_index: int, what: str) -> ValueRule:
    rules = []
    for service, structure, key, value in _TAG_SHAPES:
        shape = service_model(service).shape_for(structure).members[(key, value)[member_index]]
        rules.append(_rule_of(shape, what, None))
    return strictest(what, rules, allowed=TAG_CHARACTERS)


@functools.cache
def tag_key_rule() -> ValueRule:
    """Tag keys every service mlgov tags accepts (Organizations, IAM, SageMaker, KMS, Budgets, ECR, ...)."""
    return _tag_rule(0, "a tag key")


@functools.cache
def tag_value_rule() -> ValueRule:
    """Tag values every service mlgov tags accepts: the strictest of their models (no '&', '#', '(' ...; 1-256)."""
    return _tag_rule(1, "a tag value")


def tag_key_problem(key: str) -> str | None:
    if key.lower().startswith("aws:"):
        return "tag keys starting with 'aws:' are reserved for AWS"
    return tag_key_rule().problem(key)


# ---------------------------------------------------------------- names botocore carries
def account_name_rule() -> ValueRule:
    return member_rule("organizations", "CreateAccount", "AccountName", "an account name", "printable ASCII characters (no accents, tabs or line breaks)")


def account_email_rule() -> ValueRule:
    return member_rule("organizations", "CreateAccount", "Email", "an account email", "one '@', no spaces and a domain with a dot")


def role_name_rule() -> ValueRule:
    return member_rule("iam", "CreateRole", "RoleName", "an IAM role name", "letters, digits and + = , . @ _ -")


def policy_name_rule() -> ValueRule:
    return member_rule("iam", "CreatePolicy", "PolicyName", "an IAM policy name", "letters, digits and + = , . @ _ -")


def session_name_rule() -> ValueRule:
    return member_rule("sts", "AssumeRole", "RoleSessionName", "an STS role session name", "letters, digits and + = , . @ _ -")


def sagemaker_name_rule(operation: str, member: str, what: str) -> ValueRule:
    return member_rule("sagemaker", operation, member, what, "letters, digits and '-', starting and ending with a letter or digit")


# ---------------------------------------------------------------- regions and zones
@functools.cache
def _partitions() -> dict[str, frozenset[str]]:
    data = _session().get_component("data_loader").load_data("endpoints")
    return {partition["partition"]: frozenset(partition["regions"]) for partition in data["partitions"]}


def regions() -> frozenset[str]:
    """Regions of the partition mlgov builds for, from botocore's endpoint data."""
    return _partitions()[PARTITION]


def region_problem(value: str) -> str | None:
    """Why ``value`` is not a region mlgov can deploy to, or None."""
    if value in regions():
        return None
    for partition, names in _partitions().items():
        if value in names:
            return f"is a region of the {partition} partition; mlgov writes ARNs of the {PARTITION} partition only"
    return "is not an AWS region"


def region_fix(value: str) -> str:
    close = difflib.get_close_matches(value, sorted(regions()), n=2, cutoff=0.6)
    hint = f" (did you mean {' or '.join(repr(name) for name in close)}?)" if close else ""
    return f"use a region code of the {PARTITION} partition such as 'eu-west-1'{hint}"


@functools.cache
def service_regions(service: str) -> frozenset[str]:
    """Regions botocore's endpoint data lists for ``service`` (empty for global services)."""
    return frozenset(_session().get_available_regions(service, partition_name=PARTITION))


def zone_problem(zone: str, region: str | None) -> str | None:
    """An availability zone name is its region plus one letter (e.g. eu-west-1a).

    botocore carries no list of zones (they differ per account), so only the
    shape and the region are checked; zone ids (euw1-az1) and Local Zones are refused.
    """
    base, letter = zone[:-1], zone[-1:]
    if not letter.isalpha() or not letter.islower() or base not in regions():
        return "is not an availability zone name (a region followed by one letter, such as 'eu-west-1a')"
    if region is not None and base != region:
        return f"is a zone of {base}, not of the stack's region {region} (aws:region)"
    return None


# ---------------------------------------------------------------- S3 bucket names
BUCKET_NAME_MAX = 63
_BUCKET_CHARACTERS = regex.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
# "General purpose bucket naming rules", Amazon S3 User Guide.
_RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse ``name`` as a general purpose bucket name (dots refused too: they break
    virtual-hosted HTTPS and Transfer Acceleration, so mlgov never makes them), or None."""
    if len(name) > BUCKET_NAME_MAX:
        return f"makes the bucket name '{name}' of {len(name)} characters; S3 allows {BUCKET_NAME_MAX} at most"
    if len(name) < 3:
        return f"makes the bucket name '{name}'; S3 needs at least 3 characters"
    for prefix in _RESERVED_BUCKET_PREFIXES:
        if name.startswith(prefix):
            return f"makes the bucket name '{name}', which starts with the reserved prefix '{prefix}'"
    if not _BUCKET_CHARACTERS.fullmatch(name) or "--" in name:
        return f"makes the bucket name '{name}'; bucket names hold only lower-case letters, digits and single dashes, starting and ending with a letter or digit"
    for suffix in _RESERVED_BUCKET_SUFFIXES:
        if name.endswith(suffix):
            return f"makes the bucket name '{name}', which ends with the reserved suffix '{suffix}'"
    return None


# ---------------------------------------------------------------- SageMaker instance types
# Every create operation that takes an instance type has an enum of them in the SageMaker model.
_INSTANCE_TYPE_SHAPES = (
    "TrainingInstanceType",
    "ProcessingInstanceType",
    "TransformInstanceType",
    "ProductionVariantInstanceType",
    "InstanceType",
    "AppInstanceType",
)


@functools.cache
def sagemaker_instance_types() -> tuple[str, ...]:
    model = service_model("sagemaker")
    types = {value for name in _INSTANCE_TYPE_SHAPES for value in model.shape_for(name).enum if value.startswith("ml.")}
    return tuple(sorted(types))


def instance_types_matching(pattern: str) -> list[str]:
    """Known SageMaker instance types a pattern (IAM StringLike: '*' and '?') covers."""
    return [name for name in sagemaker_instance_types() if fnmatch.fnmatchcase(name, pattern.replace("[", "[[]"))]


# ---------------------------------------------------------------- networks
_PRIVATE_RANGES = tuple(ipaddress.ip_network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))

def vpc_cidr_problem(value: str, smallest: int = 24, largest: int = 16) -> str | None:
    """An IPv4 VPC block as AWS takes it (CreateVpc: /16 to /28; mlgov splits it in 16 subnets, so /16 to /24)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return "is not an IPv4 CIDR block such as '10.20.0.0/16'"
    if network.version != 4 or "/" not in value:
        return "is not an IPv4 CIDR block such as '10.20.0.0/16'"
    if str(network) != value:
        return f"has host bits set; the block it names is {network}"
    if not largest <= network.prefixlen <= smallest:
        return f"is a /{network.prefixlen} block; project VPCs are /{largest} to /{smallest} (16 subnets of at least /28)"
    if not any(network.subnet_of(block) for block in _PRIVATE_RANGES):
        return "is not inside a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"
    return None
