"""Broken on purpose: A region guardrail serialised with indent=4 that is over 10,240 characters."""

import json

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

ACTIONS = {
    "ec2": ["RunInstances", "CreateVpc", "CreateSubnet", "CreateVolume", "CreateSnapshot", "CreateNatGateway"],
    "s3": ["CreateBucket", "PutBucketPolicy", "PutBucketAcl", "PutObject", "PutObjectAcl"],
    "sagemaker": ["CreateDomain", "CreateEndpoint", "CreateEndpointConfig", "CreateModel", "CreateTrainingJob",
                  "CreateProcessingJob", "CreateNotebookInstance", "CreateTransformJob"],
    "lambda": ["CreateFunction", "UpdateFunctionCode", "CreateFunctionUrlConfig"],
    "rds": ["CreateDBInstance", "CreateDBCluster", "CreateDBSnapshot"],
    "dynamodb": ["CreateTable", "CreateBackup", "RestoreTableFromBackup"],
    "kms": ["CreateKey", "ScheduleKeyDeletion", "PutKeyPolicy"],
    "glue": ["CreateJob", "CreateCrawler", "CreateDatabase"],
    "ecr": ["CreateRepository", "PutImage", "SetRepositoryPolicy"],
    "sns": ["CreateTopic", "SetTopicAttributes"],
    "sqs": ["CreateQueue", "SetQueueAttributes"],
    "elasticfilesystem": ["CreateFileSystem", "CreateMountTarget"],
}
REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "eu-central-1"]
document = {"Version": "2012-10-17", "Statement": [
    {"Sid": f"DenyOutsideRegions{service.title()}", "Effect": "Deny",
     "Action": [f"{service}:{action}" for action in actions], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": REGIONS},
                   "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/OrganizationAccountAccessRole",
                                                       "arn:aws:iam::*:role/mlgov-break-glass"]}}}
    for service, actions in ACTIONS.items()
]}
# The defect: pretty-printed, the document is over the 10,240-character quota.
policy = aws.organizations.Policy("region-guardrail", name="mlgov-region-guardrail", type="SERVICE_CONTROL_POLICY",
                                  content=json.dumps(document, indent=4))
aws.organizations.PolicyAttachment("region-guardrail-root", policy_id=policy.id, target_id=ROOT_ID)
