"""Redact a large CSV the way the export Lambda does, streaming: throughput and peak memory.

    venv/bin/python benchmarks/redact_stream.py [--size-mb 1024] [--pii-share 0.1] [--keep DIR]

Writes a customer table of about ``--size-mb`` MB (ids, numbers, categories, a free-text
column where a ``--pii-share`` of the notes carry an email, phone, card, SSN or IBAN, and
direct identifiers that the export drops) to a temporary folder, then redacts it in a fresh
process (``mlgov.redaction``, Macie findings for a few hundred cells, the detectors on every
kept text value) and reports MB/s of input and that process's peak resident memory, which
must stay under 256 MiB whatever the file's size. It prints MB/s of wall time and of the
process's CPU time (on a busy machine the second is what one dedicated core would do). The
figures depend on the machine; the memory bound does not.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RSS_LIMIT_MIB = 256
KEEP = "customer_id,age,tenure_months,plan,monthly_charges,region,support_notes"
HEADER = "customer_id,name,email,phone,age,tenure_months,plan,monthly_charges,region,support_notes\n"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from mlgov.redaction.core import Settings
from mlgov.redaction.findings import ObjectRef, load_findings, plan_masks
from mlgov.redaction.local import redact_file
from pathlib import Path
source, output, findings = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text())
plan = plan_masks(load_findings(findings), None)
start, cpu = time.perf_counter(), time.process_time()
manifest, outcome = redact_file(source, output, "csv", Settings(keep_columns=tuple({keep!r}.split(","))), plan, ObjectRef(key=source.name))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu, "status": manifest["status"], "rows": outcome.rows_written, "masked": manifest["masked"]["total"],
                  "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def _pools(seed: int) -> dict[str, list[str]]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    return {
        "name": [fake.name() for _ in range(500)],
        "email": [fake.email() for _ in range(500)],
        "phone": [fake.numerify("(2##) 3##-####") for _ in range(500)],
        "note": [fake.sentence(nb_words=10) for _ in range(500)],
        "pii": [f"reach me at {fake.email()}" for _ in range(100)] + [f"call {fake.numerify('(2##) 3##-####')}" for _ in range(100)]
        + [f"card {fake.credit_card_number('visa16')}" for _ in range(100)] + [f"ssn {fake.ssn()}" for _ in range(100)]
        + [f"iban {fake.iban()}" for _ in range(100)],
        "region": ["north", "south", "east", "west", "central"],
        "plan": ["basic", "plus", "premium"],
    }


def write_table(path: Path, size_mb: int, pii_share: float, seed: int = 5) -> int:
    """A CSV of about ``size_mb`` MB; returns its row count."""
    pools, rng = _pools(seed), random.Random(seed)
    target, rows, written = size_mb * 1_000_000, 0, 0
    with path.open("w", newline="") as out:
        out.write(HEADER)
        while written < target:
            lines = []
            for _ in range(10_000):
                note = rng.choice(pools["note"])
                if rng.random() < pii_share:
                    note = f"{note} {rng.choice(pools['pii'])}"
                lines.append(
                    f"C{rows:09d},{rng.choice(pools['name'])},{rng.choice(pools['email'])},{rng.choice(pools['phone'])},"
                    f"{rng.randint(18, 90)},{rng.randint(1, 120)},{rng.choice(pools['plan'])},{rng.uniform(10, 200):.2f},"
                    f"{rng.choice(pools['region'])},\"{note}\"\n"
                )
                rows += 1
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
    return rows


def findings_for(rows: int, count: int = 300) -> list[dict]:
    """One Macie finding locating ``count`` support notes (as NAME), spread over the file."""
    step = max(1, rows // count)
    occurrences = [{"row": row + 2, "column": 10, "columnName": "support_notes"} for row in range(0, rows, step)][:count]
    return [{"id": "bench", "category": "CLASSIFICATION",
             "resourcesAffected": {"s3Bucket": {"name": "bench"}, "s3Object": {"key": "customers.csv"}},
             "classificationDetails": {"result": {"sensitiveData": [{"category": "PERSONAL_INFORMATION", "detections": [
                 {"type": "NAME", "count": len(occurrences), "occurrences": {"cells": occurrences}}]}]}}}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated CSV in MB (default 1024)")
    parser.add_argument("--pii-share", type=float, default=0.1, help="share of notes carrying PII (default 0.1)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated files in this folder")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source, output, findings = folder / "customers.csv", folder / "customers.redacted.csv", folder / "findings.json"
        started = time.perf_counter()
        rows = write_table(source, options.size_mb, options.pii_share)
        findings.write_text(json.dumps(findings_for(rows)))
        size = source.stat().st_size
        print(f"generated {size / 1e6:,.0f} MB, {rows:,} rows in {time.perf_counter() - started:.0f} s")
        child = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), keep=KEEP), str(source), str(output), str(findings)],
            capture_output=True, text=True, check=False,
        )
        if child.returncode != 0:
            sys.exit(f"redaction failed:\n{child.stderr}")
        result = json.loads(child.stdout)
        peak_mib = result["peak_rss_kib"] / 1024
        print(f"redacted {size / 1e6:,.0f} MB in {result['seconds']:.1f} s: {size / 1e6 / result['seconds']:.1f} MB/s "
              f"({size / 1e6 / result['cpu_seconds']:.1f} MB/s of CPU time: the figure a dedicated core gives); "
              f"{result['rows']:,} rows written, {result['masked']:,} values masked; output {output.stat().st_size / 1e6:,.0f} MB")
        print(f"peak RSS of the redacting process: {peak_mib:.0f} MiB (bound: {RSS_LIMIT_MIB} MiB)")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if peak_mib > RSS_LIMIT_MIB or children > RSS_LIMIT_MIB:
            sys.exit(f"peak RSS {max(peak_mib, children):.0f} MiB is over {RSS_LIMIT_MIB} MiB: the redaction is not streaming")


if __name__ == "__main__":
    main()
