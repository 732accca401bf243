"""No sample stack uses a resource type or argument that pulumi-aws marks deprecated.

The provider marks them three ways: a deprecated type warns "has been deprecated in
favor of" when constructed; a deprecated argument's getter carries the
``_utilities.deprecated`` decorator; and some arguments are deprecated in their
documentation only ("The `inline_policy` argument is deprecated. Use the
`iam.RolePolicy` resource instead"). All three are read from the installed
package, so a new resource or argument of the same kind is caught too.
"""

from __future__ import annotations

import inspect
import re
from functools import cache

from provider_docs import camel, resource_classes
from mlgov.constants import TypeToken

_DEPRECATED_TYPE = re.compile(r"has been deprecated in favor of")
_DEPRECATED_ARGUMENT_DOC = re.compile(r"The `(\w+)` argument is deprecated")
_DEPRECATED_GETTER = re.compile(r'@_utilities\.deprecated\("""[^"]*"""\)\s*\n\s*def (\w+)\(')


@cache
def deprecated_arguments(type_: str) -> frozenset[str]:
    """Engine names of the arguments of ``type_`` that pulumi-aws deprecates."""
    resource, args = resource_classes(type_)
    if args is None:
        return frozenset()
    names = set(_DEPRECATED_GETTER.findall(inspect.getsource(args)))
    parameters = set(inspect.signature(args.__init__).parameters)
    for argument in _DEPRECATED_ARGUMENT_DOC.findall(inspect.getsource(resource)):
        # The docs name the Terraform block (`inline_policy`); the Python argument may be its plural.
        names |= {c for c in (argument, argument + "s", argument[:-1] + "ies") if c in parameters}
    return frozenset(camel(name) for name in names)


def deprecated_type(type_: str) -> bool:
    resource, _ = resource_classes(type_)
    return bool(_DEPRECATED_TYPE.search(inspect.getsource(inspect.getmodule(resource))))


def test_the_scan_sees_the_provider_deprecations():
    assert {"inlinePolicies", "managedPolicyArns"} <= deprecated_arguments(TypeToken.IAM_ROLE)
    assert {"versioning", "serverSideEncryptionConfiguration", "policy"} <= deprecated_arguments(TypeToken.S3_BUCKET)
    assert "name" not in deprecated_arguments(TypeToken.IAM_ROLE)
    assert deprecated_type("aws:s3/bucketV2:BucketV2")
    assert deprecated_arguments(TypeToken.S3_BUCKET_OBJECT_LOCK) == {"expectedBucketOwner"}
    assert not deprecated_type(TypeToken.S3_BUCKET)


def test_no_planned_resource_uses_a_deprecated_type_or_argument(all_plans):
    found = []
    for plan in all_plans.values():
        for resource in plan.resources:
            if not resource.type.startswith("aws:"):
                continue
            if deprecated_type(resource.type):
                found.append((plan.name, resource.name, resource.type))
            used = deprecated_arguments(resource.type) & set(resource.inputs)
            found += [(plan.name, resource.name, argument) for argument in sorted(used)]
    assert found == []
