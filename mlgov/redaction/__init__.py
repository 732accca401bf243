"""Redaction of production data before a copy reaches a project's dev account.

One package, two callers: the export Lambda in the project's prod account
(``lambda_handler``) and ``mlgov redact`` on a person's machine, so what a
person previews locally is exactly what the pipeline would export.

Only the standard library is needed for CSV and JSON Lines; Parquet needs
pyarrow, imported when a Parquet object is met. boto3 is imported by the S3
side only. Nothing here imports the rest of mlgov, so the package can be
zipped on its own into the Lambda.

Modules, one job each: ``detectors`` (PII patterns with checksums),
``findings`` (Macie findings to a mask plan), ``jsonpath`` (the JSONPath
subset Macie reports), ``formats`` (streaming CSV, JSON Lines, Parquet),
``sampling``, ``manifest``, ``core`` (one object from a source stream to a
sink), ``local`` and ``s3`` (publish only on success), ``lambda_handler``,
``package`` (the deterministic Lambda zip).
"""
