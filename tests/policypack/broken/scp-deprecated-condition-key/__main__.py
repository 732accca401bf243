"""Broken on purpose: An SCP that conditions on the deprecated key sagemaker:VolumeKmsKey (sagemaker:VolumeKmsKeyArn is current)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import root_id, scp  # noqa: E402

scp("mlgov-require-volume-kms", ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
    # the defect: deprecated key; the condition never matches
    {"Null": {"sagemaker:VolumeKmsKey": "true"}},
    at=(("root", root_id()),))
