"""Broken on purpose: AdministratorAccess attached to the DataScientist permission set, not only to PlatformAdmin."""

import pulumi
import pulumi_aws as aws

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
INSTANCE = pulumi.Config("sso").require("instanceArn")  # the Identity Center instance, from the stack config

for name, duration in (("PlatformAdmin", "PT1H"), ("DataScientist", "PT8H")):
    permission_set = aws.ssoadmin.PermissionSet(name.lower(), name=name, instance_arn=INSTANCE, session_duration=duration)
    # PlatformAdmin may hold AdministratorAccess. The defect: so does DataScientist.
    aws.ssoadmin.ManagedPolicyAttachment(f"{name.lower()}-admin", instance_arn=INSTANCE,
                                         permission_set_arn=permission_set.arn, managed_policy_arn=ADMIN)
