"""One module per policy; the policy's name is the module name in kebab-case."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from . import (
    account_creation_concurrency,
    account_email,
    account_protection,
    baseline_scps_at_root,
    cross_account_bucket_read,
    endpoint_deny_attachment,
    name_lengths,
    ou_depth,
    permission_set_admin,
    required_tags,
    resource_policy_principals,
    s3_kms_encryption,
    s3_public_access_block,
    s3_tls_only,
    s3_versioning,
    sagemaker_domain_vpc_kms,
    sagemaker_endpoint_environment,
    sagemaker_notebook_hardening,
    sagemaker_vpc_kms,
    scp_attachments_per_target,
    scp_content,
    scp_size,
    workload_ou_controls,
    workload_ou_ml_scps,
)

MODULES = (
    scp_content,
    scp_size,
    scp_attachments_per_target,
    ou_depth,
    name_lengths,
    account_protection,
    account_email,
    account_creation_concurrency,
    workload_ou_controls,
    workload_ou_ml_scps,
    endpoint_deny_attachment,
    baseline_scps_at_root,
    s3_versioning,
    s3_kms_encryption,
    s3_public_access_block,
    s3_tls_only,
    sagemaker_domain_vpc_kms,
    sagemaker_notebook_hardening,
    sagemaker_vpc_kms,
    sagemaker_endpoint_environment,
    required_tags,
    resource_policy_principals,
    cross_account_bucket_read,
    permission_set_admin,
)

ALL_POLICIES = [m.POLICY for m in MODULES]

# The pack's initial config (PolicyPack(initial_config=...)). FullAWSAccess occupies one SCP
# slot on every target; Control Tower adds its own on registered OUs: raise
# reservedSlotsPerTarget through --policy-pack-config if so. The level is stated because
# proto3 cannot tell an unset level from "advisory".
INITIAL_CONFIG = {
    "scp-attachments-per-target": {
        "enforcementLevel": EnforcementLevel.MANDATORY,
        "reservedSlotsPerTarget": 1,
    }
}
