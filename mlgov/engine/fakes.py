"""Deterministic stand-ins for what AWS would return: ids, ARNs, computed outputs.

The offline engine has no cloud to ask, so every resource gets ids and ARNs
shaped exactly like the real ones (``ou-xxxx-xxxxxxxx``, 12-digit account ids,
``p-xxxxxxxx``), derived from its URN. The same program therefore always
yields the same plan, byte for byte, which PR diffs depend on.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import keyword
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from mlgov.constants import InvokeToken, TypeToken

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def digest(seed: str, length: int, alphabet: str = _ALPHABET) -> str:
    """A stable pseudo-random string of ``length`` characters from ``alphabet``."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def account_number(seed: str) -> str:
    # Leading digit 1-9 so ids never look truncated.
    return str(1 + int(digest(seed, 1, "012345678"))) + digest(seed + "#", 11, "0123456789")


@dataclass(frozen=True)
class FakeOrganization:
    """The organization every planned stack of one project lives in."""

    project: str
    region: str

    @property
    def management_account_id(self) -> str:
        return account_number(f"{self.project}/management")

    @property
    def id(self) -> str:
        return "o-" + digest(f"{self.project}/organization", 10)

    @property
    def root_id(self) -> str:
        return "r-" + digest(f"{self.project}/root", 4)

    def arn(self, kind: str, tail: str) -> str:
        return f"arn:aws:organizations::{self.management_account_id}:{kind}/{self.id}/{tail}"

    def describe(self) -> dict[str, Any]:
        """What aws.organizations.Organization and getOrganization report."""
        return {
            "id": self.id,
            "arn": f"arn:aws:organizations::{self.management_account_id}:organization/{self.id}",
            "masterAccountId": self.management_account_id,
            "masterAccountArn": f"arn:aws:organizations::{self.management_account_id}:account/{self.id}/{self.management_account_id}",
            "masterAccountEmail": "management@example.com",
            "featureSet": "ALL",
            "roots": [
                {
                    "id": self.root_id,
                    "arn": self.arn("root", self.root_id),
                    "name": "Root",
                    "policyTypes": [
                        {"status": "ENABLED", "type": "SERVICE_CONTROL_POLICY"},
                        {"status": "ENABLED", "type": "TAG_POLICY"},
                    ],
                }
            ],
            "accounts": [],
            "nonMasterAccounts": [],
        }

    def in_region(self, region: str | None) -> "FakeOrganization":
        """The same organization seen from ``region`` (a provider's region): regional ARNs name it."""
        return self if not region or region == self.region else replace(self, region=region)

    # ---- resources -------------------------------------------------------------------------

    def new_resource(self, type_: str, name: str, urn: str, inputs: dict[str, Any], account: str | None) -> tuple[str, dict[str, Any]]:
        """(id, outputs) for a resource; outputs start from the inputs as the providers echo them."""
        maker = _MAKERS.get(type_) or (lambda org, *rest: org._generic(type_, *rest))
        resource_id, outputs = maker(self, urn, name, inputs, account or self.management_account_id)
        if "name" not in outputs and _autonamed(type_):
            # The provider names what the program left unnamed (``<resource name>-<random>``, or
            # ``namePrefix`` + random) and reports it: a program that passes ``.name`` on gets it.
            prefix = inputs.get("namePrefix")
            outputs["name"] = f"{prefix}{digest(urn, 26)}" if isinstance(prefix, str) else f"{name}-{digest(urn, 7)}"
        return resource_id, outputs

    def _generic(self, type_: str, urn: str, name: str, inputs: dict[str, Any], account: str) -> tuple[str, dict[str, Any]]:
        service, _, kind = _token_parts(type_)
        resource_id = f"{name}-{digest(urn, 7)}"
        arn = f"arn:aws:{service}:{self.region}:{account}:{kind}/{resource_id}"
        return resource_id, {**inputs, "id": resource_id, "arn": arn}

    def call(self, token: str, args: dict[str, Any], account: str | None) -> dict[str, Any]:
        account = account or self.management_account_id
        if token == InvokeToken.CALLER_IDENTITY:
            return {"accountId": account, "arn": f"arn:aws:sts::{account}:assumed-role/mlgov-plan/offline", "userId": "AROAOFFLINE:offline", "id": account}
        if token == InvokeToken.REGION:
            return {"name": self.region, "region": self.region, "id": self.region, "description": self.region, "endpoint": f"ec2.{self.region}.amazonaws.com"}
        if token == InvokeToken.PARTITION:
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"}
        if token == InvokeToken.ORGANIZATION:
            return self.describe()
        if token == InvokeToken.SSO_INSTANCES:
            return {"arns": [self.sso_instance_arn], "identityStoreIds": [self.identity_store_id], "id": self.region, "region": self.region}
        if token == InvokeToken.IDENTITY_STORE_GROUP:
            return self._group(args)
        raise UnknownInvokeError(token)

    # ---- IAM Identity Center ---------------------------------------------------------------

    @property
    def sso_instance_arn(self) -> str:
        return "arn:aws:sso:::instance/ssoins-" + digest(f"{self.project}/sso-instance", 16, "0123456789abcdef")

    @property
    def identity_store_id(self) -> str:
        return "d-" + digest(f"{self.project}/identity-store", 10, "0123456789abcdef")

    def _group(self, args: dict[str, Any]) -> dict[str, Any]:
        """getGroup by its unique DisplayName; the id is derived from the name so tests can predict it."""
        alternate = args.get("alternateIdentifier") or args.get("alternate_identifier") or {}
        unique = alternate.get("uniqueAttribute") or alternate.get("unique_attribute") or {}
        path = unique.get("attributePath") or unique.get("attribute_path")
        name = unique.get("attributeValue") or unique.get("attribute_value")
        if path != "DisplayName" or not isinstance(name, str) or not name:
            raise ValueError(
                f"the offline engine answers aws.identitystore.get_group only by alternate_identifier "
                f"DisplayName (got {args!r})"
            )
        store = str(args.get("identityStoreId") or self.identity_store_id)
        return {
            "id": group_id(name),
            "groupId": group_id(name),
            "displayName": name,
            "identityStoreId": store,
            "description": "",
            "externalIds": [],
            "alternateIdentifier": alternate,
            "region": self.region,
        }


def group_id(display_name: str) -> str:
    """The fake Identity Store id of a group, a UUID derived from its display name."""
    raw = digest(f"identitystore/group/{display_name}", 32, "0123456789abcdef")
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"


class UnknownInvokeError(Exception):
    def __init__(self, token: str):
        super().__init__(
            f"the offline engine has no answer for data source '{token}'. "
            "Add it to mlgov.constants.InvokeToken and mlgov/engine/fakes.py so plans stay deterministic."
        )


# The local provider answers from several gRPC threads: one thread must not see a pulumi_aws
# module another is still importing (its classes not defined yet) and cache a wrong answer.
_IMPORT_LOCK = threading.Lock()


def _autonamed(type_: str) -> bool:
    """Whether pulumi-aws names a resource of this type itself when its ``name`` argument is left out."""
    with _IMPORT_LOCK:
        return _autonamed_locked(type_)


@lru_cache(maxsize=None)
def _autonamed_locked(type_: str) -> bool:
    _, module, class_name = type_.split(":") if type_.count(":") == 2 else ("", "", "")
    if not type_.startswith("aws:") or "/" not in module:
        return False
    package = module.split("/")[0]
    package = f"{package}_" if keyword.iskeyword(package) else package
    try:
        resource = getattr(importlib.import_module(f"pulumi_aws.{package}"), class_name)
        return "name" in inspect.signature(resource._internal_init).parameters
    except (ImportError, AttributeError, TypeError, ValueError):
        return False


def _token_parts(type_: str) -> tuple[str, str, str]:
    package, module, kind = (type_.split(":") + ["", ""])[:3]
    service = module.split("/")[0] if module else package
    return service, module, kind[:1].lower() + kind[1:]


def _organization(org: FakeOrganization, urn, name, inputs, account):
    return org.id, {**inputs, **org.describe()}


def _ou(org: FakeOrganization, urn, name, inputs, account):
    ou_id = f"ou-{org.root_id[2:]}-{digest(urn, 8)}"
    return ou_id, {**inputs, "id": ou_id, "arn": org.arn("ou", ou_id), "accounts": []}


def _account(org: FakeOrganization, urn, name, inputs, account):
    account_id = account_number(urn)
    return account_id, {
        **inputs,
        "id": account_id,
        "arn": org.arn("account", account_id),
        "status": "ACTIVE",
        "govcloudId": "",
        "joinedMethod": "CREATED",
    }


def _policy(org: FakeOrganization, urn, name, inputs, account):
    policy_id = "p-" + digest(urn, 8)
    kind = str(inputs.get("type") or "SERVICE_CONTROL_POLICY").lower()
    return policy_id, {**inputs, "id": policy_id, "arn": org.arn("policy", f"{kind}/{policy_id}"), "awsManaged": False}


def _attachment(org: FakeOrganization, urn, name, inputs, account):
    attachment_id = f"{inputs.get('targetId')}:{inputs.get('policyId')}"
    return attachment_id, {**inputs, "id": attachment_id}


def _control(org: FakeOrganization, urn, name, inputs, account):
    control_id = f"{inputs.get('targetIdentifier')},{inputs.get('controlIdentifier')}"
    arn = f"arn:aws:controltower:{org.region}:{account}:enabledcontrol/{digest(urn, 16).upper()}"
    return control_id, {**inputs, "id": control_id, "arn": arn, "region": org.region}


def _bucket(org: FakeOrganization, urn, name, inputs, account):
    bucket = inputs.get("bucket") or f"{name}-{digest(urn, 7)}"
    return bucket, {
        **inputs,
        "id": bucket,
        "bucket": bucket,
        "arn": f"arn:aws:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "region": org.region,
    }


def _kms_key(org: FakeOrganization, urn, name, inputs, account):
    raw = digest(urn, 32, "0123456789abcdef")
    key_id = f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"
    return key_id, {**inputs, "id": key_id, "keyId": key_id, "arn": f"arn:aws:kms:{org.region}:{account}:key/{key_id}"}


def _permission_set(org: FakeOrganization, urn, name, inputs, account):
    instance = str(inputs.get("instanceArn") or org.sso_instance_arn)
    arn = f"arn:aws:sso:::permissionSet/{instance.rsplit('/', 1)[-1]}/ps-{digest(urn, 16, '0123456789abcdef')}"
    # The provider's id is "<permission set arn>,<instance arn>".
    return f"{arn},{instance}", {**inputs, "id": f"{arn},{instance}", "arn": arn, "createdDate": "2026-01-01T00:00:00Z"}


def _iam_role(org: FakeOrganization, urn, name, inputs, account):
    role = inputs.get("name") or f"{name}-{digest(urn, 7)}"
    path = inputs.get("path") or "/"
    return role, {**inputs, "id": role, "name": role, "arn": f"arn:aws:iam::{account}:role{path}{role}", "uniqueId": "AROA" + digest(urn, 17).upper()}


def _oidc_provider(org: FakeOrganization, urn, name, inputs, account):
    host = str(inputs.get("url") or name).removeprefix("https://")
    arn = f"arn:aws:iam::{account}:oidc-provider/{host}"
    return arn, {**inputs, "id": arn, "arn": arn}



# ---- shared stack ---------------------------------------------------------------------------


def _model_package_group(org: FakeOrganization, urn, name, inputs, account):
    group = inputs.get("modelPackageGroupName") or name
    return group, {**inputs, "id": group, "arn": f"arn:aws:sagemaker:{org.region}:{account}:model-package-group/{group}"}


def _ecr_repository(org: FakeOrganization, urn, name, inputs, account):
    repo = inputs.get("name") or name
    return repo, {
        **inputs,
        "id": repo,
        "arn": f"arn:aws:ecr:{org.region}:{account}:repository/{repo}",
        "registryId": account,
        "repositoryUrl": f"{account}.dkr.ecr.{org.region}.amazonaws.com/{repo}",
    }


def _catalog_id(prefix: str):
    def make(org: FakeOrganization, urn, name, inputs, account):
        resource_id = prefix + digest(urn, 13)
        return resource_id, {**inputs, "id": resource_id, "arn": f"arn:aws:catalog:{org.region}:{account}:{prefix.rstrip('-')}/{resource_id}"}

    return make


def _codeartifact_domain(org: FakeOrganization, urn, name, inputs, account):
    domain = inputs.get("domain") or name
    arn = f"arn:aws:codeartifact:{org.region}:{account}:domain/{domain}"
    return arn, {**inputs, "id": arn, "arn": arn, "owner": account}


def _codeartifact_repository(org: FakeOrganization, urn, name, inputs, account):
    arn = f"arn:aws:codeartifact:{org.region}:{account}:repository/{inputs.get('domain')}/{inputs.get('repository')}"
    return arn, {**inputs, "id": arn, "arn": arn, "domainOwner": account}

def _vpc_endpoint(org: FakeOrganization, urn, name, inputs, account):
    resource_id = "vpce-" + digest(urn, 17, "0123456789abcdef")
    outputs = {**inputs, "id": resource_id, "arn": f"arn:aws:ec2:{org.region}:{account}:vpc-endpoint/{resource_id}"}
    # A gateway endpoint routes to the service's managed prefix list (the provider's default type).
    if inputs.get("vpcEndpointType", "Gateway") == "Gateway":
        outputs["prefixListId"] = "pl-" + digest(str(inputs.get("serviceName")), 8, "0123456789abcdef")
    return resource_id, outputs


_MAKERS = {
    TypeToken.ORGANIZATION: _organization,
    TypeToken.ORGANIZATIONAL_UNIT: _ou,
    TypeToken.ACCOUNT: _account,
    TypeToken.POLICY: _policy,
    TypeToken.POLICY_ATTACHMENT: _attachment,
    TypeToken.CONTROL_TOWER_CONTROL: _control,
    TypeToken.S3_BUCKET: _bucket,
    TypeToken.KMS_KEY: _kms_key,
    TypeToken.SSO_PERMISSION_SET: _permission_set,
    TypeToken.IAM_ROLE: _iam_role,
    TypeToken.IAM_OIDC_PROVIDER: _oidc_provider,
    TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP: _model_package_group,
    TypeToken.ECR_REPOSITORY: _ecr_repository,
    TypeToken.SERVICECATALOG_PORTFOLIO: _catalog_id("port-"),
    TypeToken.SERVICECATALOG_PRODUCT: _catalog_id("prod-"),
    TypeToken.CODEARTIFACT_DOMAIN: _codeartifact_domain,
    TypeToken.CODEARTIFACT_REPOSITORY: _codeartifact_repository,
    TypeToken.EC2_VPC_ENDPOINT: _vpc_endpoint,
}
