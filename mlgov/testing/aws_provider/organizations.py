"""The Organizations resources, created for real in a moto server.

The provider answers the engine with the fakes' deterministic ids (so the
state matches ``mlgov plan``), while moto chooses its own ids. Every object
created here is tagged with the fake id it answers to, so a later call that
names it by that id (a PolicyAttachment's policyId and targetId, an OU's
parentId, an update or a delete in another provider process) finds the moto
object. Ids of objects that already existed in moto (an adopted organization,
an imported account) are used as they are.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import boto3

from mlgov.constants import TypeToken

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_ORGANIZATIONS"
FAKE_ID_TAG = "mlgov-test:fake-id"
MANAGED_TYPES = frozenset(
    {TypeToken.ORGANIZATION, TypeToken.ORGANIZATIONAL_UNIT, TypeToken.ACCOUNT, TypeToken.POLICY, TypeToken.POLICY_ATTACHMENT}
)


class EndpointError(Exception):
    pass


def client():
    endpoint = os.environ.get(ENDPOINT_VARIABLE, "")
    host = urlparse(endpoint).hostname
    if host not in ("127.0.0.1", "localhost"):
        # A test provider must never reach a real AWS endpoint.
        raise EndpointError(f"{ENDPOINT_VARIABLE} must name a moto server on 127.0.0.1 (got {endpoint!r})")
    return boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _tags(tags: dict[str, str] | None, fake_id: str) -> list[dict[str, str]]:
    return [{"Key": key, "Value": str(value)} for key, value in (tags or {}).items()] + [{"Key": FAKE_ID_TAG, "Value": fake_id}]


class MotoOrganizations:
    def __init__(self):
        self.api = client()

    # ---- id resolution -------------------------------------------------------------------

    def root_id(self) -> str:
        return self.api.list_roots()["Roots"][0]["Id"]

    def _tagged(self, resource_ids: list[str], fake_id: str) -> str | None:
        for resource_id in resource_ids:
            tags = self.api.list_tags_for_resource(ResourceId=resource_id)["Tags"]
            if any(tag["Key"] == FAKE_ID_TAG and tag["Value"] == fake_id for tag in tags):
                return resource_id
        return None

    def _all_ous(self) -> list[str]:
        found, pending = [], [self.root_id()]
        while pending:
            parent = pending.pop()
            for page in self.api.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
                for unit in page["OrganizationalUnits"]:
                    found.append(unit["Id"])
                    pending.append(unit["Id"])
        return found

    def _all_accounts(self) -> list[str]:
        return [account["Id"] for page in self.api.get_paginator("list_accounts").paginate() for account in page["Accounts"]]

    def _all_policies(self) -> list[str]:
        return [
            policy["Id"]
            for page in self.api.get_paginator("list_policies").paginate(Filter="SERVICE_CONTROL_POLICY")
            for policy in page["Policies"]
            if not policy["AwsManaged"]
        ]

    def resolve(self, some_id: str) -> str:
        """The moto id of an object named by a fake id or by its own id."""
        if some_id.startswith("r-"):
            return self.root_id()
        if some_id.startswith("ou-"):
            candidates = self._all_ous()
        elif some_id.startswith("p-"):
            candidates = self._all_policies()
        else:
            candidates = self._all_accounts()
        if some_id in candidates:
            return some_id
        found = self._tagged(candidates, some_id)
        if found is None:
            raise KeyError(f"no object in moto answers to '{some_id}'")
        return found

    # ---- lifecycle -----------------------------------------------------------------------

    def create(self, type_: str, fake_id: str, inputs: dict[str, Any]) -> None:
        if type_ == TypeToken.ORGANIZATION:
            try:
                self.api.create_organization(FeatureSet=inputs.get("featureSet") or "ALL")
            except self.api.exceptions.AlreadyInOrganizationException:
                pass
            root = self.root_id()
            for policy_type in inputs.get("enabledPolicyTypes") or []:
                try:
                    self.api.enable_policy_type(RootId=root, PolicyType=policy_type)
                except self.api.exceptions.PolicyTypeAlreadyEnabledException:
                    pass
            for principal in inputs.get("awsServiceAccessPrincipals") or []:
                self.api.enable_aws_service_access(ServicePrincipal=principal)
        elif type_ == TypeToken.ORGANIZATIONAL_UNIT:
            self.api.create_organizational_unit(
                ParentId=self.resolve(inputs["parentId"]), Name=inputs["name"], Tags=_tags(inputs.get("tags"), fake_id)
            )
        elif type_ == TypeToken.ACCOUNT:
            status = self.api.create_account(
                Email=inputs["email"], AccountName=inputs["name"], RoleName=inputs.get("roleName") or "OrganizationAccountAccessRole",
                IamUserAccessToBilling=inputs.get("iamUserAccessToBilling") or "ALLOW", Tags=_tags(inputs.get("tags"), fake_id),
            )["CreateAccountStatus"]
            account_id = status["AccountId"]
            if inputs.get("parentId"):
                self.api.move_account(AccountId=account_id, SourceParentId=self.root_id(), DestinationParentId=self.resolve(inputs["parentId"]))
        elif type_ == TypeToken.POLICY:
            self.api.create_policy(
                Content=inputs["content"], Description=inputs.get("description") or "", Name=inputs["name"],
                Type=inputs.get("type") or "SERVICE_CONTROL_POLICY", Tags=_tags(inputs.get("tags"), fake_id),
            )
        elif type_ == TypeToken.POLICY_ATTACHMENT:
            self.api.attach_policy(PolicyId=self.resolve(inputs["policyId"]), TargetId=self.resolve(inputs["targetId"]))

    def update(self, type_: str, resource_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if type_ == TypeToken.ORGANIZATIONAL_UNIT and old.get("name") != new.get("name"):
            self.api.update_organizational_unit(OrganizationalUnitId=self.resolve(resource_id), Name=new["name"])
        elif type_ == TypeToken.POLICY:
            self.api.update_policy(
                PolicyId=self.resolve(resource_id), Name=new["name"], Description=new.get("description") or "", Content=new["content"]
            )
        elif type_ == TypeToken.ACCOUNT and new.get("parentId") and old.get("parentId") != new.get("parentId"):
            account_id = self.resolve(resource_id)
            source = self.api.list_parents(ChildId=account_id)["Parents"][0]["Id"]
            self.api.move_account(AccountId=account_id, SourceParentId=source, DestinationParentId=self.resolve(new["parentId"]))

    def delete(self, type_: str, resource_id: str, outputs: dict[str, Any]) -> None:
        if type_ == TypeToken.ORGANIZATIONAL_UNIT:
            self.api.delete_organizational_unit(OrganizationalUnitId=self.resolve(resource_id))
        elif type_ == TypeToken.POLICY:
            self.api.delete_policy(PolicyId=self.resolve(resource_id))
        elif type_ == TypeToken.POLICY_ATTACHMENT:
            self.api.detach_policy(PolicyId=self.resolve(outputs["policyId"]), TargetId=self.resolve(outputs["targetId"]))
        elif type_ == TypeToken.ACCOUNT:
            # closeOnDeletion false: the provider removes the account from the organization, it never closes it.
            if outputs.get("closeOnDeletion"):
                self.api.close_account(AccountId=self.resolve(resource_id))
            else:
                self.api.remove_account_from_organization(AccountId=self.resolve(resource_id))
        elif type_ == TypeToken.ORGANIZATION:
            self.api.delete_organization()

    # ---- reads (import, refresh) ---------------------------------------------------------

    def read(self, type_: str, resource_id: str) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """(id, outputs, inputs) of an existing object, or None when it does not exist."""
        try:
            if type_ == TypeToken.ORGANIZATION:
                organization = self.api.describe_organization()["Organization"]
                if organization["Id"] != resource_id:
                    return None
                root = self.api.list_roots()["Roots"][0]
                outputs = {
                    "id": organization["Id"], "arn": organization["Arn"], "featureSet": organization["FeatureSet"],
                    "masterAccountId": organization["MasterAccountId"], "masterAccountArn": organization["MasterAccountArn"],
                    "masterAccountEmail": organization["MasterAccountEmail"],
                    "roots": [{"id": root["Id"], "arn": root["Arn"], "name": root["Name"], "policyTypes": [
                        {"status": item["Status"], "type": item["Type"]} for item in root.get("PolicyTypes", [])]}],
                    "awsServiceAccessPrincipals": sorted(
                        item["ServicePrincipal"] for item in self.api.list_aws_service_access_for_organization()["EnabledServicePrincipals"]),
                    "enabledPolicyTypes": sorted(
                        item["Type"] for item in root.get("PolicyTypes", []) if item["Status"] == "ENABLED"),
                }
                inputs = {key: outputs[key] for key in ("featureSet", "awsServiceAccessPrincipals", "enabledPolicyTypes")}
                return organization["Id"], outputs, inputs
            if type_ == TypeToken.ACCOUNT:
                account_id, _, billing = resource_id.partition("_")
                account = self.api.describe_account(AccountId=self.resolve(account_id))["Account"]
                parent = self.api.list_parents(ChildId=account["Id"])["Parents"][0]["Id"]
                inputs = {"email": account["Email"], "name": account["Name"], "parentId": parent}
                if billing:
                    inputs["iamUserAccessToBilling"] = billing
                outputs = {**inputs, "id": account["Id"], "arn": account["Arn"], "status": account["Status"], "joinedMethod": account["JoinedMethod"]}
                return account["Id"], outputs, inputs
            if type_ == TypeToken.ORGANIZATIONAL_UNIT:
                unit = self.api.describe_organizational_unit(OrganizationalUnitId=self.resolve(resource_id))["OrganizationalUnit"]
                parent = self.api.list_parents(ChildId=unit["Id"])["Parents"][0]["Id"]
                inputs = {"name": unit["Name"], "parentId": parent}
                return unit["Id"], {**inputs, "id": unit["Id"], "arn": unit["Arn"], "accounts": []}, inputs
            if type_ == TypeToken.POLICY:
                policy = self.api.describe_policy(PolicyId=self.resolve(resource_id))["Policy"]
                summary = policy["PolicySummary"]
                inputs = {"name": summary["Name"], "description": summary["Description"], "content": policy["Content"], "type": summary["Type"]}
                return summary["Id"], {**inputs, "id": summary["Id"], "arn": summary["Arn"], "awsManaged": summary["AwsManaged"]}, inputs
        except (KeyError, self.api.exceptions.AccountNotFoundException, self.api.exceptions.OrganizationalUnitNotFoundException,
                self.api.exceptions.PolicyNotFoundException, self.api.exceptions.AWSOrganizationsNotInUseException):
            return None
        return None
