"""One module per policy; the policy's name is the module name in kebab-case."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from . import (
    account_creation_concurrency,
    account_email,
    account_protection,
    baseline_scps_at_root,
    config_rule_recorders,
    controls_on_registered_ous,
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
    security_service_admins,
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
    controls_on_registered_ous,
    config_rule_recorders,
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
    permission_set_admin,
    security_service_admins,
)

ALL_POLICIES = [m.POLICY for m in MODULES]

# The pack's initial config (PolicyPack(initial_config=...)). Three SCP slots of every target
# are not this stack's: FullAWSAccess, and up to two that Control Tower attaches to each OU
# it registers. The level is stated because proto3 cannot tell an unset level from "advisory".
INITIAL_CONFIG = {
    "scp-attachments-per-target": {
        "enforcementLevel": EnforcementLevel.MANDATORY,
        "reservedSlotsPerTarget": scp_attachments_per_target.RESERVED_SLOTS,
    }
}
