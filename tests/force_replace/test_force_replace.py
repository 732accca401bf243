"""The force-replace table: it covers every type the program plans, it names real inputs, and its matching rules."""

from __future__ import annotations

import importlib
import re

import pytest

from mlgov.constants import TypeToken
from tests.engine.provider_docs import resource_classes
from mlgov.force_replace import (
    FORCE_NEW,
    REGION,
    REGIONAL_TYPES,
    SOURCES,
    STATEFUL_TYPES,
    UnknownResourceType,
    path_segments,
    replace_causes,
)

DOMAIN = TypeToken.SAGEMAKER_DOMAIN
PRODUCT = TypeToken.SERVICECATALOG_PRODUCT
ACCOUNT = TypeToken.ACCOUNT


@pytest.fixture(scope="module")
def sample_plans():
    from mlgov.engine import DEFAULT_STACK_ORDER, plan_stacks

    return plan_stacks(list(DEFAULT_STACK_ORDER)).stacks


def test_every_type_the_sample_stacks_plan_is_in_the_table(sample_plans):
    resources = [r for stack in sample_plans for r in stack.to_dict()["resources"]]
    custom = {r["type"] for r in resources if r["custom"]}
    components = {r["type"] for r in resources if not r["custom"]} - set(FORCE_NEW)  # the stack root is in the table
    assert len(custom) > 50, custom  # every stack was planned
    missing = sorted(custom - set(FORCE_NEW))
    assert not missing, f"planned types missing from mlgov/force_replace.py: {missing}"
    # Components are the only types outside the table, and they are never replaced.
    assert components and all(t.startswith("mlgov:") for t in components), components
    assert all(replace_causes(t, ["/anything"]) == [] for t in components)


def test_every_type_token_constant_is_in_the_table():
    assert sorted(set(TypeToken) - set(FORCE_NEW)) == []


def test_stateful_types_and_sources_are_table_entries():
    assert set(STATEFUL_TYPES) <= set(FORCE_NEW)
    assert set(SOURCES) == set(FORCE_NEW)
    assert all(SOURCES[t].endswith(".go") for t in FORCE_NEW if t.startswith("aws:"))
    for token in (ACCOUNT, TypeToken.ORGANIZATIONAL_UNIT, TypeToken.ORGANIZATION,
                  TypeToken.POLICY, TypeToken.S3_BUCKET, TypeToken.KMS_KEY, DOMAIN,
                  TypeToken.SAGEMAKER_USER_PROFILE, PRODUCT):
        assert token in STATEFUL_TYPES, token


# ---- the table names inputs that exist in the pinned pulumi-aws ------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _inputs(args_class: type) -> dict[str, property]:
    return {getattr(v.fget, "_pulumi_name", k): v for k, v in vars(args_class).items() if isinstance(v, property)}


def _args_class(token: str) -> type:
    # Looked up through the package (resource_classes): importing a pulumi_aws submodule
    # before its lazily loaded package leaves the package without its classes for the rest
    # of the process, which broke later tests depending on the order they ran in.
    resource, args = resource_classes(token)
    assert args is not None, f"{token}: no arguments class beside {resource.__name__}"
    return args


def _nested_args(prop: property, package_module: str) -> type:
    hint = str(prop.fget.__annotations__.get("return", ""))
    found = re.findall(r"(\w+Args)\b", hint)
    assert found, f"{prop.fget.__qualname__}: not a block ({hint})"
    return getattr(importlib.import_module(package_module), found[-1])


AWS_TYPES = sorted(t for t in FORCE_NEW if t.startswith("aws:"))


@pytest.mark.parametrize("token", AWS_TYPES)
def test_table_paths_are_inputs_of_the_pinned_pulumi_aws(token):
    args = _args_class(token)
    inputs = _inputs(args)
    assert (REGION in inputs) == (token in REGIONAL_TYPES), f"{token}: region argument and the table's regional flag disagree"
    for path in FORCE_NEW[token]:
        first, *rest = path.split(".")
        assert first in inputs, f"{token}: {first!r} is not an input (inputs: {sorted(inputs)})"
        current = inputs[first]
        for name in rest:
            nested = _inputs(_nested_args(current, args.__module__.rsplit(".", 1)[0] + "._inputs"))
            assert name in nested, f"{token}: {path!r}: {name!r} is not in the block (has {sorted(nested)})"
            current = nested[name]


# ---- replace_causes -------------------------------------------------------------------------


def test_a_top_level_forcenew_property_is_the_cause_and_an_in_place_one_is_not():
    assert replace_causes(ACCOUNT, ["email"]) == ["email"]
    assert replace_causes(ACCOUNT, ["name", "parentId", "tags.team"]) == []
    assert replace_causes(ACCOUNT, ["roleName", "email", "name"]) == ["email", "roleName"]


def test_nested_paths_at_or_below_a_forcenew_path():
    assert replace_causes(DOMAIN, ["domainSettings.securityGroupIds"]) == ["domainSettings.securityGroupIds"]
    assert replace_causes(DOMAIN, ["domainSettings.securityGroupIds[1]"]) == ["domainSettings.securityGroupIds"]
    # A sibling inside the same block updates in place.
    assert replace_causes(DOMAIN, ["domainSettings.executionRoleIdentityConfig"]) == []
    # Inside a ForceNew block (written with the block's path) every change counts, indices dropped.
    assert replace_causes(PRODUCT, ["provisioningArtifactParameters.templateUrl"]) == ["provisioningArtifactParameters"]
    assert replace_causes(TypeToken.ECR_REPOSITORY, ["encryptionConfigurations[0].kmsKey"]) == ["encryptionConfigurations"]


def test_a_change_of_a_whole_parent_block_counts():
    assert replace_causes(DOMAIN, ["domainSettings"]) == ["domainSettings.securityGroupIds"]
    assert replace_causes(DOMAIN, [""]) == sorted(FORCE_NEW[DOMAIN])  # the whole resource


def test_json_pointer_paths_of_mlgov_diff():
    assert path_segments("/rules/0/applyServerSideEncryptionByDefault/kmsMasterKeyId") == (
        "rules", "applyServerSideEncryptionByDefault", "kmsMasterKeyId")
    assert path_segments("/content#/Statement[Sid=A]/Action") == ("content",)
    assert path_segments("/tags/a~1b") == ("tags", "a/b")
    assert replace_causes(PRODUCT, ["/provisioningArtifactParameters/templateUrl"]) == ["provisioningArtifactParameters"]
    assert replace_causes(TypeToken.POLICY, ["/content#/Statement[Sid=A]/Action"]) == []


def test_region_replaces_regional_types_only():
    assert replace_causes(TypeToken.S3_BUCKET, ["region"]) == ["region"]
    assert "region" not in FORCE_NEW[TypeToken.IAM_ROLE]


def test_engine_types_are_explicit():
    assert replace_causes(TypeToken.STACK, [""]) == []
    assert replace_causes(TypeToken.STACK_REFERENCE, ["name"]) == []
    assert replace_causes(TypeToken.AWS_PROVIDER, ["region", "assumeRoles"]) == ["region"]
    assert replace_causes("mlgov:studio:StudioDomain", ["domainName"]) == []


@pytest.mark.parametrize("token", ["aws:s3/bucketAcl:BucketAcl", "pulumi:providers:gcp", "aws:organizations/account:Acount"])
def test_an_unknown_type_raises_naming_it(token):
    with pytest.raises(UnknownResourceType) as error:
        replace_causes(token, ["name"])
    assert error.value.type_token == token
    assert token in str(error.value) and "force-replace table" in str(error.value)
