"""The export Lambda against moto's S3 and KMS (Macie through botocore's Stubber, which checks every
request and response against the Macie API model; moto has no Macie classification jobs).

Buckets are versioned and SSE-KMS encrypted as the DevDataExport component makes them; the events
are shaped as S3 sends them to EventBridge and as CloudWatch Logs delivers a subscription batch.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from mlgov.redaction import lambda_handler
from mlgov.redaction.detectors import mask_token
from mlgov.redaction.s3 import PART_SIZE

from .conftest import ACCOUNT, BUCKET, KEEP, cells, csv_bytes, customers, finding, parquet_bytes, records

REGION = "eu-west-1"
EXPORT_BUCKET = "mlgov-churn-model-export-111122223333"
PROJECT = "churn-model"
JOB = "3ce05dbb7ec5505def334104bf4d6cd6"


@pytest.fixture
def aws(monkeypatch):
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                        "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    environment = lambda_handler.lambda_environment(
        project=PROJECT, account_id=ACCOUNT, source_bucket=BUCKET, export_bucket=EXPORT_BUCKET,
        source_prefixes=["customers/"], keep_columns=list(KEEP), mode="redact", sample_rate=1.0)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        kms = boto3.client("kms", region_name=REGION)
        keys = {}
        for bucket in (BUCKET, EXPORT_BUCKET):
            keys[bucket] = kms.create_key(Description=bucket)["KeyMetadata"]["Arn"]
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[bucket]}, "BucketKeyEnabled": True}]})
        yield s3, keys


def _put(s3, key: str, body: bytes) -> str:
    return s3.put_object(Bucket=BUCKET, Key=key, Body=body)["VersionId"]


def _timestamps(value):
    """Findings as the Macie API model types them: timestamps are datetimes, absent fields absent."""
    if isinstance(value, dict):
        return {k: _timestamps(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_timestamps(v) for v in value]
    if isinstance(value, str) and value.endswith("Z") and value[:4].isdigit() and "T" in value:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _macie(job_key: str, version: str | None, findings: list[dict], *, project: str = PROJECT):
    client = boto3.client("macie2", region_name=REGION)
    stub = Stubber(client)
    tags = {lambda_handler.EXPORT_TAG: project, **({lambda_handler.VERSION_TAG: version} if version else {})}
    stub.add_response("describe_classification_job", {
        "jobId": JOB, "jobStatus": "COMPLETE", "jobType": "ONE_TIME", "tags": tags,
        "s3JobDefinition": {"bucketDefinitions": [{"accountId": ACCOUNT, "buckets": [BUCKET]}],
                            "scoping": {"includes": {"and": [{"simpleScopeTerm": {"comparator": "STARTS_WITH", "key": "OBJECT_KEY", "values": [job_key]}}]}}},
    }, {"jobId": JOB})
    if project == PROJECT:
        stub.add_response("list_findings", {"findingIds": [f["id"] for f in findings]},
                          {"findingCriteria": {"criterion": {"classificationDetails.jobId": {"eq": [JOB]}}}})
        if findings:
            stub.add_response("get_findings", {"findings": _timestamps(findings)}, {"findingIds": [f["id"] for f in findings]})
    stub.activate()
    return client, stub


def _job_completed_event() -> dict:
    batch = {"messageType": "DATA_MESSAGE", "owner": ACCOUNT, "logGroup": "/aws/macie/classificationjobs", "logStream": JOB,
             "subscriptionFilters": ["mlgov-churn-model-dev-export-job-completed"],
             "logEvents": [{"id": "1", "timestamp": 1764497700000, "message": json.dumps(
                 {"adminAccountId": ACCOUNT, "jobId": JOB, "eventType": "JOB_COMPLETED", "occurredAt": "2026-11-30T10:15:00Z",
                  "description": "The job finished running.", "jobName": "mlgov-dev-export-1"})}]}
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(batch).encode())).decode()}}


def _export(s3, macie, stub) -> dict:
    result = lambda_handler.handler(_job_completed_event(), None, clients={"s3": s3, "macie2": macie})
    stub.assert_no_pending_responses()
    return result


def _manifest(s3, key: str) -> dict:
    return json.loads(s3.get_object(Bucket=EXPORT_BUCKET, Key=f"manifests/{key}.manifest.json")["Body"].read())


def _keys(s3) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket=EXPORT_BUCKET).get("Contents", [])}


def test_object_created_starts_one_macie_job_for_that_object(aws):
    client = boto3.client("macie2", region_name=REGION)
    stub = Stubber(client)
    key = "customers/2026-11-30.csv"
    stub.add_response("create_classification_job", {"jobId": JOB, "jobArn": f"arn:aws:macie2:{REGION}:{ACCOUNT}:classification-job/{JOB}"}, {
        "clientToken": ANY, "jobType": "ONE_TIME", "name": ANY, "description": ANY, "managedDataIdentifierSelector": "RECOMMENDED",
        "s3JobDefinition": {"bucketDefinitions": [{"accountId": ACCOUNT, "buckets": [BUCKET]}],
                            "scoping": {"includes": {"and": [{"simpleScopeTerm": {"comparator": "STARTS_WITH", "key": "OBJECT_KEY", "values": [key]}}]}}},
        "tags": {lambda_handler.EXPORT_TAG: PROJECT, lambda_handler.VERSION_TAG: "v7"}})
    stub.activate()
    event = {"version": "0", "detail-type": "Object Created", "source": "aws.s3", "account": ACCOUNT, "region": REGION,
             "resources": [f"arn:aws:s3:::{BUCKET}"],
             "detail": {"version": "0", "bucket": {"name": BUCKET}, "object": {"key": key, "size": 10, "etag": "abc", "version-id": "v7"}, "reason": "PutObject"}}
    assert lambda_handler.handler(event, None, clients={"macie2": client, "s3": aws[0]}) == {"jobId": JOB}
    stub.assert_no_pending_responses()
    # Outside the prefixes, or another bucket: no job (the stub has no response left to give).
    for bucket, other in ((BUCKET, "raw/2026-11-30.csv"), ("elsewhere", key)):
        ignored = {**event, "detail": {**event["detail"], "bucket": {"name": bucket}, "object": {"key": other}}}
        assert lambda_handler.handler(ignored, None, clients={"macie2": client, "s3": aws[0]}) == {"ignored": True}


def test_job_completed_exports_the_redacted_object_and_its_manifest(aws):
    s3, keys = aws
    table = customers(30)
    key = "customers/2026-11-30.csv"
    version = _put(s3, key, csv_bytes(table))
    macie, stub = _macie(key, version, [finding(key, [cells("NAME", "name", [0, 4])], version_id=version),
                                         finding(key + ".bak", [cells("NAME", "name", [1])], version_id="x", finding_id="other")])
    assert _export(s3, macie, stub) == {"exports": [{"source": f"s3://{BUCKET}/{key}?versionId={version}", "status": "exported", "reason": None}]}
    exported = s3.get_object(Bucket=EXPORT_BUCKET, Key=f"exports/{key}")
    body = exported["Body"].read()
    assert exported["ServerSideEncryption"] == "aws:kms" and exported["SSEKMSKeyId"] == keys[EXPORT_BUCKET]
    lines = body.decode().splitlines()
    assert lines[0] == ",".join(KEEP) and len(lines) == 31
    assert all(value not in body.decode() for values in table.secrets.values() for value in values)
    assert body.decode().count(mask_token("NAME")) == 2
    manifest = _manifest(s3, key)
    assert manifest["status"] == "exported" and manifest["source"]["versionId"] == version
    assert manifest["export"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert manifest["macie"]["status"] == "findings" and manifest["macie"]["occurrences"]["applied"] == 2
    assert [i["id"] for i in manifest["macie"]["ignored"]] == ["other"]
    assert manifest["columns"]["dropped"] == ["email", "phone", "ssn", "iban", "card"]
    assert sum(manifest["detectors"].values()) == 30
    assert not any(k.startswith("quarantine/") for k in _keys(s3))


def test_a_job_with_no_finding_exports_on_the_detectors_alone(aws):
    s3, _ = aws
    key = "customers/clean.csv"
    version = _put(s3, key, csv_bytes(customers(5)))
    macie, stub = _macie(key, version, [])
    _export(s3, macie, stub)
    manifest = _manifest(s3, key)
    assert (manifest["status"], manifest["macie"]["status"]) == ("exported", "no-finding")
    assert sum(manifest["detectors"].values()) == 5


def test_findings_only_for_another_version_quarantine(aws):
    s3, _ = aws
    key = "customers/overwritten.csv"
    version = _put(s3, key, csv_bytes(customers(5)))
    macie, stub = _macie(key, version, [finding(key, [cells("NAME", "name", [0])], version_id="a-later-version")])
    _export(s3, macie, stub)
    assert _manifest(s3, key)["status"] == "quarantined"
    assert f"exports/{key}" not in _keys(s3)


def test_malformed_object_goes_to_quarantine_with_its_reason(aws):
    s3, _ = aws
    key = "customers/broken.csv"
    raw = b"customer_id,tenure_months,plan,support_notes,name\nC1,3,basic,ok,Ann\nC2\n"
    version = _put(s3, key, raw)
    macie, stub = _macie(key, version, [])
    result = _export(s3, macie, stub)
    assert result["exports"][0]["status"] == "quarantined" and "has 1 fields" in result["exports"][0]["reason"]
    assert s3.get_object(Bucket=EXPORT_BUCKET, Key=f"quarantine/{key}")["Body"].read() == raw
    reason = json.loads(s3.get_object(Bucket=EXPORT_BUCKET, Key=f"quarantine/{key}.reason.json")["Body"].read())
    assert reason["status"] == "quarantined" and reason["export"] is None
    assert f"exports/{key}" not in _keys(s3) and _manifest(s3, key)["reason"] == reason["reason"]
    assert "Ann" not in json.dumps(reason)


def test_parquet_is_read_by_ranges_never_whole(aws):
    s3, _ = aws
    table = customers(200)
    key = "customers/2026-11-30.parquet"
    data = parquet_bytes(table, row_group_size=25)
    version = _put(s3, key, data)
    ranges = []
    s3.meta.events.register("provide-client-params.s3.GetObject", lambda params, **_: ranges.append((params["Key"], params.get("Range"))))
    macie, stub = _macie(key, version, [finding(key, [records("NAME", "$.name", [3, 150])], version_id=version)])
    _export(s3, macie, stub)
    import pyarrow.parquet as pq

    result = pq.read_table(io.BytesIO(s3.get_object(Bucket=EXPORT_BUCKET, Key=f"exports/{key}")["Body"].read()))
    names = result.column("name").to_pylist()
    assert result.schema.names == list(KEEP) and result.num_rows == 200
    assert names[3] == names[150] == mask_token("NAME") and names[4] == table.rows[4]["name"]
    source_reads = [r for k, r in ranges if k == key]
    assert len(source_reads) >= 2 and all(r and r.startswith("bytes=") for r in source_reads)


def test_a_large_export_streams_in_parts(aws):
    s3, _ = aws
    key = "customers/large.csv"
    table = customers(60)
    data = csv_bytes(table)
    body = data + b"".join(data.split(b"\n", 1)[1] for _ in range(int(2.5 * PART_SIZE / len(data))))
    version = _put(s3, key, body)
    parts = []
    s3.meta.events.register("provide-client-params.s3.UploadPart", lambda params, **_: parts.append(len(params["Body"])))
    macie, stub = _macie(key, version, [])
    _export(s3, macie, stub)
    assert len(parts) >= 2 and all(size == PART_SIZE for size in parts[:-1])
    assert _manifest(s3, key)["export"]["bytes"] == sum(parts)


def test_an_aws_failure_mid_export_leaves_nothing_visible(aws):
    s3, _ = aws
    key = "customers/fails.csv"
    table = customers(60)
    data = csv_bytes(table)
    version = _put(s3, key, data + b"".join(data.split(b"\n", 1)[1] for _ in range(int(1.5 * PART_SIZE / len(data)))))

    def refuse(**_):
        raise ConnectionError("network lost")

    s3.meta.events.register("provide-client-params.s3.UploadPart", refuse)
    macie, stub = _macie(key, version, [])
    with pytest.raises(ConnectionError):
        lambda_handler.handler(_job_completed_event(), None, clients={"s3": s3, "macie2": macie})
    s3.meta.events.unregister("provide-client-params.s3.UploadPart", refuse)
    assert _keys(s3) == set()
    assert s3.list_multipart_uploads(Bucket=EXPORT_BUCKET).get("Uploads", []) == []


def test_jobs_of_other_projects_are_left_alone(aws):
    s3, _ = aws
    macie, stub = _macie("customers/x.csv", None, [], project="someone-else")
    assert _export(s3, macie, stub) == {"exports": []}
    assert _keys(s3) == set()


def test_unknown_events_are_ignored(aws):
    assert lambda_handler.handler({"source": "aws.ec2"}, None, clients={"s3": aws[0], "macie2": None}) == {"ignored": True}
