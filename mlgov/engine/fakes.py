"""Deterministic stand-ins for what AWS would return: ids, ARNs, computed outputs.

The offline engine has no cloud to ask, so every resource gets ids and ARNs
shaped exactly like the real ones (``ou-xxxx-xxxxxxxx``, 12-digit account ids,
``p-xxxxxxxx``), derived from its URN. The same program therefore always
yields the same plan, byte for byte, which PR diffs depend on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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

    # ---- resources -------------------------------------------------------------------------

    def new_resource(self, type_: str, name: str, urn: str, inputs: dict[str, Any], account: str | None) -> tuple[str, dict[str, Any]]:
        """(id, outputs) for a resource; outputs start from the inputs as the providers echo them."""
        maker = _MAKERS.get(type_)
        if maker is not None:
            return maker(self, urn, name, inputs, account or self.management_account_id)
        return self._generic(type_, urn, name, inputs, account or self.management_account_id)

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
        raise UnknownInvokeError(token)


class UnknownInvokeError(Exception):
    def __init__(self, token: str):
        super().__init__(
            f"the offline engine has no answer for data source '{token}'. "
            "Add it to mlgov.constants.InvokeToken and mlgov/engine/fakes.py so plans stay deterministic."
        )


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


_MAKERS = {
    TypeToken.ORGANIZATION: _organization,
    TypeToken.ORGANIZATIONAL_UNIT: _ou,
    TypeToken.ACCOUNT: _account,
    TypeToken.POLICY: _policy,
    TypeToken.POLICY_ATTACHMENT: _attachment,
    TypeToken.CONTROL_TOWER_CONTROL: _control,
    TypeToken.S3_BUCKET: _bucket,
    TypeToken.KMS_KEY: _kms_key,
}
