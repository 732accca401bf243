"""The export Lambda in a project's prod account: one function, two events.

1. ``Object Created`` (S3 -> EventBridge) under a configured source prefix:
   start a one-time Macie classification job for that object, tagged with the
   project and the object's version. One job per export run.
2. A Macie job log event ``JOB_COMPLETED`` (CloudWatch Logs subscription on
   ``/aws/macie/classificationjobs``): read the job's findings
   (``ListFindings`` by job id, ``GetFindings``) and export the object with them,
   or quarantine it.

Macie reports job progress to CloudWatch Logs, not to EventBridge, and a job
that finds nothing produces no finding at all; the completion event is what
tells "analysed, nothing found" from "not analysed yet". Settings come from
environment variables set by the ``DevDataExport`` component.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlgov.redaction.core import Settings
from mlgov.redaction.findings import ObjectRef, plan_masks
from mlgov.redaction.s3 import ExportTarget, export_object, log_event
from mlgov.redaction.sampling import object_seed

EXPORT_TAG = "mlgov:dev-export"
VERSION_TAG = "mlgov:source-version"
FINDINGS_PER_CALL = 50
"""GetFindings takes at most 50 ids."""
TAG_VALUE_MAX = 256


def lambda_environment(
    *,
    project: str,
    account_id: Any,
    source_bucket: Any,
    export_bucket: Any,
    source_prefixes: Sequence[str],
    keep_columns: Sequence[str],
    mode: str,
    sample_rate: float,
) -> dict[str, Any]:
    """The function's environment variables (values may be Pulumi Outputs); ``FunctionConfig`` reads them back."""
    return {
        "MLGOV_PROJECT": project,
        "MLGOV_ACCOUNT_ID": account_id,
        "MLGOV_SOURCE_BUCKET": source_bucket,
        "MLGOV_SOURCE_PREFIXES": json.dumps(list(source_prefixes), separators=(",", ":")),
        "MLGOV_EXPORT_BUCKET": export_bucket,
        "MLGOV_KEEP_COLUMNS": json.dumps(list(keep_columns), separators=(",", ":")),
        "MLGOV_MODE": mode,
        "MLGOV_SAMPLE_RATE": repr(float(sample_rate)),
    }


@dataclass(frozen=True)
class FunctionConfig:
    project: str
    account_id: str
    source_bucket: str
    source_prefixes: tuple[str, ...]
    export_bucket: str
    keep_columns: tuple[str, ...]
    mode: str
    sample_rate: float

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "FunctionConfig":
        return cls(
            project=environ["MLGOV_PROJECT"],
            account_id=environ["MLGOV_ACCOUNT_ID"],
            source_bucket=environ["MLGOV_SOURCE_BUCKET"],
            source_prefixes=tuple(json.loads(environ["MLGOV_SOURCE_PREFIXES"])),
            export_bucket=environ["MLGOV_EXPORT_BUCKET"],
            keep_columns=tuple(json.loads(environ["MLGOV_KEEP_COLUMNS"])),
            mode=environ.get("MLGOV_MODE", "redact"),
            sample_rate=float(environ.get("MLGOV_SAMPLE_RATE", "1")),
        )

    def settings_for(self, source: ObjectRef) -> Settings:
        seed = object_seed(source) if self.mode == "subsample" else None
        return Settings(keep_columns=self.keep_columns, mode=self.mode, sample_rate=self.sample_rate, seed=seed)  # type: ignore[arg-type]

    def watches(self, bucket: str, key: str) -> bool:
        return bucket == self.source_bucket and any(key.startswith(prefix) for prefix in self.source_prefixes)


def handler(event: Mapping[str, Any], context: Any = None, clients: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Lambda entry point; ``clients`` (``s3``, ``macie2``) lets tests pass moto- or stub-backed clients."""
    logging.getLogger().setLevel(logging.INFO)
    config = FunctionConfig.from_environment(os.environ)
    clients = clients or _clients()
    if event.get("source") == "aws.s3" and event.get("detail-type") == "Object Created":
        return start_classification(clients["macie2"], config, event["detail"])
    if "awslogs" in event:
        return on_job_log(clients, config, event["awslogs"]["data"])
    log_event("ignored", reason="not an S3 Object Created event or a Macie job log event", keys=sorted(event))
    return {"ignored": True}


def _clients() -> dict[str, Any]:
    import boto3

    return {"s3": boto3.client("s3"), "macie2": boto3.client("macie2")}


def job_token(source: ObjectRef) -> str:
    """Idempotency token of the job for one object version: a retried event starts no second job."""
    return hashlib.sha256(source.uri().encode()).hexdigest()[:64]


def start_classification(macie: Any, config: FunctionConfig, detail: Mapping[str, Any]) -> dict[str, Any]:
    bucket = detail.get("bucket", {}).get("name", "")
    s3_object = detail.get("object", {})
    key = s3_object.get("key", "")
    source = ObjectRef(bucket, key, s3_object.get("version-id"), s3_object.get("etag"))
    if not config.watches(bucket, key):
        log_event("ignored", source=source.uri(), reason="outside the configured source bucket and prefixes")
        return {"ignored": True}
    token = job_token(source)
    tags = {EXPORT_TAG: config.project}
    if source.version_id and len(source.version_id) <= TAG_VALUE_MAX:
        tags[VERSION_TAG] = source.version_id
    response = macie.create_classification_job(
        clientToken=token,
        jobType="ONE_TIME",
        name=f"mlgov-dev-export-{token[:16]}",
        description=f"mlgov dev data export of {source.uri()}"[:200],
        managedDataIdentifierSelector="RECOMMENDED",
        s3JobDefinition={
            "bucketDefinitions": [{"accountId": config.account_id, "buckets": [bucket]}],
            # Macie scopes by key prefix only: findings for longer keys come back and are ignored.
            "scoping": {"includes": {"and": [{"simpleScopeTerm": {"comparator": "STARTS_WITH", "key": "OBJECT_KEY", "values": [key]}}]}},
        },
        tags=tags,
    )
    log_event("classification-started", source=source.uri(), jobId=response["jobId"])
    return {"jobId": response["jobId"]}


def completed_jobs(data: str) -> list[str]:
    """Job ids of the ``JOB_COMPLETED`` events in a CloudWatch Logs subscription payload."""
    payload = json.loads(gzip.decompress(base64.b64decode(data)))
    jobs = []
    for log_event_entry in payload.get("logEvents", []):
        try:
            message = json.loads(log_event_entry.get("message", ""))
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("eventType") == "JOB_COMPLETED" and message.get("jobId"):
            jobs.append(str(message["jobId"]))
    return jobs


def on_job_log(clients: Mapping[str, Any], config: FunctionConfig, data: str) -> dict[str, Any]:
    manifests = []
    for job_id in completed_jobs(data):
        job = clients["macie2"].describe_classification_job(jobId=job_id)
        if job.get("tags", {}).get(EXPORT_TAG) != config.project:
            log_event("ignored", jobId=job_id, reason="not a dev export job of this project")
            continue
        source = _job_object(job)
        findings = job_findings(clients["macie2"], job_id)
        plan = plan_masks(findings, source)
        manifest = export_object(clients["s3"], source, ExportTarget(config.export_bucket, config.settings_for(source)), plan)
        manifests.append({"source": source.uri(), "status": manifest["status"], "reason": manifest["reason"]})
    return {"exports": manifests}


def _job_object(job: Mapping[str, Any]) -> ObjectRef:
    definition = job["s3JobDefinition"]
    bucket = definition["bucketDefinitions"][0]["buckets"][0]
    term = definition["scoping"]["includes"]["and"][0]["simpleScopeTerm"]
    return ObjectRef(bucket=bucket, key=term["values"][0], version_id=job.get("tags", {}).get(VERSION_TAG))


def job_findings(macie: Any, job_id: str) -> list[dict[str, Any]]:
    ids: list[str] = []
    arguments: dict[str, Any] = {"findingCriteria": {"criterion": {"classificationDetails.jobId": {"eq": [job_id]}}}}
    while True:
        page = macie.list_findings(**arguments)
        ids.extend(page.get("findingIds", []))
        if not page.get("nextToken"):
            break
        arguments["nextToken"] = page["nextToken"]
    findings: list[dict[str, Any]] = []
    for start in range(0, len(ids), FINDINGS_PER_CALL):
        findings.extend(macie.get_findings(findingIds=ids[start : start + FINDINGS_PER_CALL]).get("findings", []))
    return findings
