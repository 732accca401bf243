"""Real-shaped inputs for the redaction tests: customer tables with Faker PII in CSV, JSON Lines
and Parquet, and Macie findings shaped as GetFindings returns them (Macie API reference,
"Findings"; "JSON schema for sensitive data locations", Macie User Guide)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from faker import Faker

COLUMNS = ("customer_id", "name", "email", "phone", "ssn", "iban", "card", "tenure_months", "plan", "support_notes")
KEEP = ("customer_id", "tenure_months", "plan", "support_notes", "name")
ACCOUNT = "111122223333"
BUCKET = "mlgov-churn-model-prod-data-111122223333"


@dataclass
class Table:
    rows: list[dict[str, Any]]
    secrets: dict[str, list[str]] = field(default_factory=dict)
    """Type -> values planted in support_notes (free text), which only the detectors can find."""

    def column(self, name: str) -> list[Any]:
        return [row[name] for row in self.rows]


def customers(count: int = 40, seed: int = 7) -> Table:
    """Customers with direct identifiers in their own columns and PII planted in free text."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rows, secrets = [], {"EMAIL": [], "PHONE": [], "CREDIT_CARD": [], "US_SSN": [], "IBAN": []}
    for index in range(count):
        email, phone = fake.email(), fake.numerify("(###) ###-####").replace("(0", "(2").replace("(1", "(3")
        card, ssn = fake.credit_card_number(card_type="visa16"), fake.ssn()
        iban = fake.iban()
        kind = index % 5
        note = fake.sentence(nb_words=6)
        planted = [("EMAIL", email), ("PHONE", phone), ("CREDIT_CARD", card), ("US_SSN", ssn), ("IBAN", iban)][kind]
        note = f"{note} Contact: {planted[1]}."
        secrets[planted[0]].append(planted[1])
        rows.append(
            {
                "customer_id": f"C{index:05d}",
                "name": fake.name(),
                "email": email,
                "phone": phone,
                "ssn": ssn,
                "iban": iban,
                "card": card,
                "tenure_months": fake.random_int(1, 120),
                "plan": fake.random_element(["basic", "plus", "premium"]),
                "support_notes": note,
            }
        )
    return Table(rows, secrets)


def csv_bytes(table: Table, columns: Iterable[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(table.rows)
    return out.getvalue().encode()


def jsonl_bytes(table: Table) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in table.rows)


def parquet_bytes(table: Table, row_group_size: int = 16) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(table.rows), sink, row_group_size=row_group_size)
    return sink.getvalue()


def finding(
    key: str,
    detections: list[dict[str, Any]],
    *,
    bucket: str = BUCKET,
    version_id: str | None = "v1",
    finding_id: str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    job_id: str = "3ce05dbb7ec5505def334104bf4d6cd6",
    category: str = "PERSONAL_INFORMATION",
    status: str = "COMPLETE",
    custom: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A sensitive data finding as GetFindings returns it (fields Macie fills, values made up)."""
    extension = key.rsplit(".", 1)[-1] if "." in key else ""
    return {
        "accountId": ACCOUNT,
        "archived": False,
        "category": "CLASSIFICATION",
        "classificationDetails": {
            "detailedResultsLocation": f"s3://macie-results-{ACCOUNT}/AWSLogs/{ACCOUNT}/Macie/eu-west-1/{job_id}/{ACCOUNT}/{finding_id}.jsonl.gz",
            "jobArn": f"arn:aws:macie2:eu-west-1:{ACCOUNT}:classification-job/{job_id}",
            "jobId": job_id,
            "originType": "SENSITIVE_DATA_DISCOVERY_JOB",
            "result": {
                "additionalOccurrences": any(d["count"] > _located(d) for d in detections),
                "customDataIdentifiers": {"detections": custom or [], "totalCount": sum(d["count"] for d in custom or [])},
                "mimeType": {"csv": "text/csv", "jsonl": "application/jsonl", "parquet": "application/parquet"}.get(extension, "text/plain"),
                "sensitiveData": [{"category": category, "detections": detections, "totalCount": sum(d["count"] for d in detections)}],
                "sizeClassified": 2048,
                "status": {"code": status, "reason": None if status == "COMPLETE" else "UNABLE_TO_PARSE_FILE"},
            },
        },
        "count": 1,
        "createdAt": "2026-11-30T10:15:00.000Z",
        "description": "The S3 object contains personal information.",
        "id": finding_id,
        "partition": "aws",
        "region": "eu-west-1",
        "resourcesAffected": {
            "s3Bucket": {"arn": f"arn:aws:s3:::{bucket}", "name": bucket, "owner": {"id": "abc123"}},
            "s3Object": {
                "bucketArn": f"arn:aws:s3:::{bucket}",
                "eTag": "2d1b8cb9e5b3f4a6c1a7f0e9d8c7b6a5",
                "extension": extension,
                "key": key,
                "path": f"{bucket}/{key}",
                "size": 2048,
                "storageClass": "STANDARD",
                **({"versionId": version_id} if version_id else {}),
            },
        },
        "sample": False,
        "schemaVersion": "1.0",
        "severity": {"description": "High", "score": 3},
        "title": "The S3 object contains personal information.",
        "type": "SensitiveData:S3Object/Personal",
        "updatedAt": "2026-11-30T10:15:00.000Z",
    }


def _located(detection: Mapping[str, Any]) -> int:
    return sum(len(v) for v in detection.get("occurrences", {}).values())


def cells(kind: str, column: str, rows: Iterable[int], columns: tuple[str, ...] = COLUMNS, count: int | None = None) -> dict[str, Any]:
    """A detection located by CSV cells; ``rows`` are data rows from 0 (Macie row = data row + 2: the header is row 1)."""
    occurrences = [{"cellReference": None, "column": columns.index(column) + 1, "columnName": column, "row": row + 2} for row in rows]
    return {"type": kind, "count": count if count is not None else len(occurrences), "occurrences": {"cells": occurrences}}


def records(kind: str, path: str | None, indexes: Iterable[int], count: int | None = None) -> dict[str, Any]:
    occurrences = [{"recordIndex": index, **({"jsonPath": path} if path else {})} for index in indexes]
    return {"type": kind, "count": count if count is not None else len(occurrences), "occurrences": {"records": occurrences}}


@pytest.fixture
def table() -> Table:
    return customers()
