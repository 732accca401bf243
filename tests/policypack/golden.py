"""Compliant "golden" stacks; each failing test changes one field of one of them."""

from __future__ import annotations

import json

from mlgov.constants import TypeToken

from .conftest import Stack, res, scp_doc

OU = TypeToken.ORGANIZATIONAL_UNIT
ORG = TypeToken.ORGANIZATION
ACCOUNT = TypeToken.ACCOUNT
POLICY = TypeToken.POLICY
ATTACH = TypeToken.POLICY_ATTACHMENT
CONTROL = TypeToken.CONTROL_TOWER_CONTROL
REGISTRATION = TypeToken.CONTROL_TOWER_BASELINE
CT_BASELINE = "arn:aws:controltower:eu-west-1::baseline/17BSJV3IGJ2QSGA2"
ROOT_ID = "r-ab12"
BASELINE = ["mlgov-deny-leave-organization", "mlgov-deny-root-user", "mlgov-protect-security-services", "mlgov-region-allow-list"]
ML = ["mlgov-sagemaker-require-vpc", "mlgov-sagemaker-require-kms", "mlgov-sagemaker-require-encryption-in-transit", "mlgov-sagemaker-require-tags"]
ENDPOINT_DENY = "mlgov-deny-sagemaker-endpoints"
CONTROLS = ["AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED", "AWS-GR_S3_BUCKET_PUBLIC_WRITE_PROHIBITED", "AWS-GR_S3_VERSIONING_ENABLED"]
TREE = [("Security", None), ("Sandbox", None), ("Workloads", None),
        ("Workloads_Dev", "Workloads"), ("Workloads_PreProd", "Workloads"), ("Workloads_Prod", "Workloads")]


def set_prop(stack: Stack, name: str, key: str, value, *, outputs: bool = True) -> Stack:
    """Set one input (and output) of the resource called ``name``."""
    r = stack.find(name)
    r["inputs"][key] = value
    if outputs:
        r["outputs"][key] = value
    return stack


def drop(stack: Stack, name: str) -> Stack:
    stack.resources = [r for r in stack.resources if r["name"] != name]
    return stack


def ou_id(name: str) -> str:
    return "ou-ab12-" + (name.lower().replace("_", "") + "00000000")[:8]


def ou_arn(name: str) -> str:
    return f"arn:aws:organizations::111122223333:ou/o-abcdefghij/{ou_id(name)}"


def org_stack(*, accounts: int = 2) -> Stack:
    resources = [res(ORG, "org", {"featureSet": "ALL"}, id="o-abcdefghij",
                     outputs={"id": "o-abcdefghij", "roots": [{"id": ROOT_ID}], "featureSet": "ALL"})]
    urns: dict[str, str] = {}
    for name, parent in TREE:
        pid = ou_id(parent) if parent else ROOT_ID
        pdeps = {"parentId": [urns[parent]]} if parent else {}
        r = res(OU, f"ou-{name.lower()}", {"name": name, "parentId": pid}, id=ou_id(name), pdeps=pdeps,
                outputs={"id": ou_id(name), "arn": ou_arn(name), "name": name, "parentId": pid})
        urns[name] = r["urn"]
        resources.append(r)
    policies: dict[str, str] = {}
    for i, pname in enumerate(BASELINE + ML + [ENDPOINT_DENY]):
        content = scp_doc(sid=f"S{i}")
        r = res(POLICY, pname, {"name": pname, "content": content, "description": "guardrail", "type": "SERVICE_CONTROL_POLICY"},
                id=f"p-{i:08d}")
        policies[pname] = r["urn"]
        resources.append(r)

    def attach(pname: str, target: str | None) -> None:
        tid = ou_id(target) if target else ROOT_ID
        pdeps = {"policyId": [policies[pname]]}
        if target:
            pdeps["targetId"] = [urns[target]]
        resources.append(res(ATTACH, f"att-{pname}-{target or 'root'}",
                             {"policyId": f"p-{(BASELINE + ML + [ENDPOINT_DENY]).index(pname):08d}", "targetId": tid},
                             id=f"{tid}:{pname}", pdeps=pdeps))

    for p in BASELINE:
        attach(p, None)
    for p in ML:
        attach(p, "Workloads")
    attach(ENDPOINT_DENY, "Sandbox")
    attach(ENDPOINT_DENY, "Workloads_Dev")
    previous: list[str] = []
    registrations: dict[str, str] = {}
    for name in ("Workloads", "Workloads_Dev", "Workloads_PreProd", "Workloads_Prod"):
        # Registered parents first, one OU operation at a time.
        r = res(REGISTRATION, f"register-{name}", {"baselineIdentifier": CT_BASELINE, "baselineVersion": "5.0",
                                                    "targetIdentifier": ou_arn(name)},
                deps=previous, pdeps={"targetIdentifier": [urns[name]]})
        registrations[name] = r["urn"]
        previous = [r["urn"]]
        resources.append(r)
    for name in ("Workloads_Dev", "Workloads_PreProd", "Workloads_Prod"):
        for control in CONTROLS:
            resources.append(res(CONTROL, f"ctl-{name}-{control}",
                                 {"controlIdentifier": f"arn:aws:controltower:eu-west-1::control/{control}",
                                  "targetIdentifier": ou_arn(name)},
                                 deps=[registrations[name]], pdeps={"targetIdentifier": [urns[name]]}))
    for i in range(accounts):
        resources.append(res(ACCOUNT, f"acct-{i}", {"name": f"ml-project-{i}", "email": f"aws+ml{i}@example.com",
                                                     "parentId": ou_id("Workloads_Dev"), "closeOnDeletion": False},
                             id=f"11112222{i:04d}", protect=True, pdeps={"parentId": [urns["Workloads_Dev"]]}))
    return Stack(resources)


S3 = {
    "bucket": TypeToken.S3_BUCKET,
    "versioning": TypeToken.S3_BUCKET_VERSIONING,
    "sse": TypeToken.S3_BUCKET_SSE,
    "pab": TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    "policy": TypeToken.S3_BUCKET_POLICY,
}
TAGS = {"mlgov:project": "churn", "mlgov:cost-center": "cc-42"}
TLS_POLICY = ('{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*",'
              '"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}')


def bucket_stack() -> Stack:
    bucket = res(S3["bucket"], "data", {"bucket": "data", "tags": dict(TAGS)}, id="data")
    link = {"bucket": [bucket["urn"]]}
    return Stack([
        bucket,
        res(S3["versioning"], "data-versioning", {"bucket": "data", "versioningConfiguration": {"status": "Enabled"}}, pdeps=link),
        res(S3["sse"], "data-sse", {"bucket": "data", "rules": [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:eu-west-1:111122223333:key/abc"}}]}, pdeps=link),
        res(S3["pab"], "data-pab", {"bucket": "data", "blockPublicAcls": True, "blockPublicPolicy": True,
                                    "ignorePublicAcls": True, "restrictPublicBuckets": True}, pdeps=link),
        res(S3["policy"], "data-policy", {"bucket": "data", "policy": TLS_POLICY}, pdeps=link),
    ])


# -- resource policies and identity (the shared stack and Identity Center) -----------------
ORG_ID = "o-abcdefghij"
AUTOMATION, PREPROD, PROD = "111111111111", "222222222222", "333333333333"
ECR_POLICY = TypeToken.ECR_REPOSITORY_POLICY
CODEARTIFACT_DOMAIN_POLICY = TypeToken.CODEARTIFACT_DOMAIN_PERMISSIONS
CODEARTIFACT_REPO_POLICY = TypeToken.CODEARTIFACT_REPOSITORY_PERMISSIONS
REGISTRY_POLICY = TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY
KMS_KEY = TypeToken.KMS_KEY
ROLE = TypeToken.IAM_ROLE
PERMISSION_SET = TypeToken.SSO_PERMISSION_SET
MANAGED_ATTACHMENT = TypeToken.SSO_MANAGED_POLICY_ATTACHMENT
INLINE_POLICY = TypeToken.SSO_PERMISSION_SET_INLINE_POLICY
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
SSO_INSTANCE = "arn:aws:sso:::instance/ssoins-1111111111111111"


def root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, separators=(",", ":"))


def org_pull(**overrides) -> dict:
    """Principal '*' confined to the organization: the ECR/CodeArtifact pattern."""
    return {"Sid": "PullFromOrganization", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}, **overrides}


def trust(principal: dict | str, **overrides) -> dict:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **overrides}


def resource_policy_stack() -> Stack:
    """One resource of every type resource-policy-principals reads, each compliant."""
    return Stack([
        res(ECR_POLICY, "images-policy", {"repository": "ml-base", "policy": doc(org_pull())}),
        res(CODEARTIFACT_DOMAIN_POLICY, "domain-policy", {"domain": "ml", "policyDocument": doc(org_pull(
            Sid="ReadFromOrganization", Action="codeartifact:GetAuthorizationToken", Resource="*"))}),
        res(CODEARTIFACT_REPO_POLICY, "repository-policy", {"domain": "ml", "repository": "pypi", "policyDocument": doc(org_pull(
            Sid="ReadFromOrganization", Action="codeartifact:ReadFromRepository", Resource="*",
            Condition={"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG_ID}/r-ab12/ou-ab12-workload/*"]}}))}),
        res(REGISTRY_POLICY, "registry-policy", {"modelPackageGroupName": "churn", "resourcePolicy": doc(
            {"Sid": "AutomationRegisters", "Effect": "Allow", "Principal": {"AWS": [root(AUTOMATION)]},
             "Action": "sagemaker:CreateModelPackage", "Resource": "*"},
            {"Sid": "DeploymentAccountsRead", "Effect": "Allow", "Principal": {"AWS": [root(PREPROD), root(PROD)]},
             "Action": "sagemaker:DescribeModelPackage", "Resource": "*"})}),
        res(KMS_KEY, "data-key", {"description": "data", "tags": dict(TAGS), "policy": doc(
            {"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": root(AUTOMATION)}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "LogServices", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "kms:GenerateDataKey*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceOrgID": ORG_ID}}})}),
        res(S3["policy"], "lake-policy", {"bucket": "lake", "policy": doc(
            json.loads(TLS_POLICY)["Statement"][0],
            {"Sid": "DevAccountsRead", "Effect": "Allow", "Principal": {"AWS": [root(PREPROD)]}, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::lake/*"})}),
        res(ROLE, "deploy-role", {"assumeRolePolicy": doc(trust({"AWS": root(AUTOMATION)}))}),
        res(ROLE, "pipeline-role", {"assumeRolePolicy": doc(trust(
            {"Federated": f"arn:aws:iam::{AUTOMATION}:oidc-provider/token.actions.githubusercontent.com"},
            Action="sts:AssumeRoleWithWebIdentity"))}),
        res(ROLE, "execution-role", {"assumeRolePolicy": doc(trust({"Service": "sagemaker.amazonaws.com"}),
                                                              {"Sid": "NobodyElse", "Effect": "Deny", "Principal": "*",
                                                               "Action": "sts:AssumeRole",
                                                               "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}}})}),
    ])


def permission_set_arn(name: str) -> str:
    return f"{SSO_INSTANCE.replace(':instance/', ':permissionSet/')}/ps-{name.lower()}"


def identity_stack() -> Stack:
    """PlatformAdmin with AdministratorAccess, DataScientist with a scoped inline policy."""
    resources = []
    for name in ("PlatformAdmin", "DataScientist"):
        ps = res(PERMISSION_SET, f"ps-{name}", {"name": name, "instanceArn": SSO_INSTANCE, "sessionDuration": "PT1H"},
                 id=f"{permission_set_arn(name)},{SSO_INSTANCE}",
                 outputs={"name": name, "instanceArn": SSO_INSTANCE, "arn": permission_set_arn(name)})
        resources.append(ps)
        link = {"permissionSetArn": [ps["urn"]]}
        if name == "PlatformAdmin":
            resources.append(res(MANAGED_ATTACHMENT, f"{name}-admin", {"instanceArn": SSO_INSTANCE, "managedPolicyArn": ADMIN,
                                                                        "permissionSetArn": permission_set_arn(name)}, pdeps=link))
        else:
            resources.append(res(MANAGED_ATTACHMENT, f"{name}-readonly", {
                "instanceArn": SSO_INSTANCE, "managedPolicyArn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                "permissionSetArn": permission_set_arn(name)}, pdeps=link))
            resources.append(res(INLINE_POLICY, f"{name}-inline", {"instanceArn": SSO_INSTANCE, "permissionSetArn": permission_set_arn(name),
                                                                    "inlinePolicy": doc({"Sid": "StudioDiscovery", "Effect": "Allow",
                                                                                         "Action": "sagemaker:List*", "Resource": "*"})},
                                 pdeps=link))
    return Stack(resources)
