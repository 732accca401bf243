"""The S3 side of an export: stream the source in, publish the redacted object only on success.

- CSV and JSON Lines are read as one streamed GET; Parquet through ranged GETs
  (its footer is at the end), so no object is ever held in memory whole.
- The redacted object is written with a multipart upload under ``exports/``. S3
  shows an object only once ``CompleteMultipartUpload`` succeeds; any failure
  aborts the upload, so a partial export never becomes visible (the export
  bucket's lifecycle rule also aborts uploads a killed function left behind).
- An object that cannot be exported is copied server-side to ``quarantine/``
  with its reason; nothing of it reaches ``exports/``.
- The manifest goes to ``manifests/<key>.manifest.json`` in both cases, after
  the export is complete.

Key layout of the export bucket (the dev account may read ``exports/`` and
``manifests/`` only; ``quarantine/`` stays in the prod account)::

    exports/<source key>
    manifests/<source key>.manifest.json
    quarantine/<source key>
    quarantine/<source key>.reason.json
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from mlgov.redaction.core import Settings, Unparseable, format_of, redact_stream
from mlgov.redaction.findings import MaskPlan, ObjectRef
from mlgov.redaction.manifest import build_manifest, dumps

EXPORTS, MANIFESTS, QUARANTINE = "exports/", "manifests/", "quarantine/"
PART_SIZE = 8 * 1024 * 1024
"""Multipart part size: S3's minimum is 5 MiB; memory holds one part at a time."""
RANGE_SIZE = 4 * 1024 * 1024
LOG = logging.getLogger("mlgov.redaction")


class _StreamedBody(io.RawIOBase):
    """A botocore StreamingBody as a raw stream, so it can be buffered and decoded line by line."""

    def __init__(self, body: Any):
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class S3RangeReader(io.RawIOBase):
    """A seekable read-only view of one object version through ranged GETs (for Parquet)."""

    def __init__(self, client: Any, bucket: str, key: str, version_id: str | None, size: int):
        self._client, self._bucket, self._key, self._version = client, bucket, key, version_id
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        end = min(self._size, self._position + len(buffer)) - 1
        arguments = {"Bucket": self._bucket, "Key": self._key, "Range": f"bytes={self._position}-{end}"}
        if self._version:
            arguments["VersionId"] = self._version
        data = self._client.get_object(**arguments)["Body"].read()
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


class MultipartWriter:
    """Buffers one part at a time; ``complete`` publishes, ``abort`` discards everything."""

    def __init__(self, client: Any, bucket: str, key: str, metadata: dict[str, str]):
        self._client, self._bucket, self._key = client, bucket, key
        self._upload = client.create_multipart_upload(Bucket=bucket, Key=key, Metadata=metadata)["UploadId"]
        self._parts: list[dict[str, Any]] = []
        self._buffer = bytearray()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        while len(self._buffer) >= PART_SIZE:
            self._send(bytes(self._buffer[:PART_SIZE]))
            del self._buffer[:PART_SIZE]
        return len(data)

    def flush(self) -> None:
        """Parts go out when full; the last, short one waits for ``complete``."""

    def _send(self, data: bytes) -> None:
        number = len(self._parts) + 1
        response = self._client.upload_part(Bucket=self._bucket, Key=self._key, UploadId=self._upload, PartNumber=number, Body=data)
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def complete(self) -> str | None:
        if self._buffer or not self._parts:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        response = self._client.complete_multipart_upload(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload, MultipartUpload={"Parts": self._parts}
        )
        return response.get("VersionId")

    def abort(self) -> None:
        self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload)


@dataclass(frozen=True)
class ExportTarget:
    bucket: str
    """The export bucket in the prod account."""
    settings: Settings


def log_event(event: str, **fields: Any) -> None:
    """One JSON log line per decision (CloudWatch Logs Insights can filter on every field)."""
    LOG.info(json.dumps({"event": event, **fields}, default=str))


def _open_source(client: Any, source: ObjectRef, fmt: str, size: int) -> io.BufferedIOBase:
    if fmt == "parquet":
        return io.BufferedReader(S3RangeReader(client, source.bucket, source.key, source.version_id, size), buffer_size=RANGE_SIZE)
    arguments = {"Bucket": source.bucket, "Key": source.key}
    if source.version_id:
        arguments["VersionId"] = source.version_id
    return io.BufferedReader(_StreamedBody(client.get_object(**arguments)["Body"]), buffer_size=1024 * 1024)


def export_object(client: Any, source: ObjectRef, target: ExportTarget, plan: MaskPlan) -> dict[str, Any]:
    """Export (or quarantine) one source object version; returns its manifest.

    AWS errors propagate after the upload is aborted: the invocation fails and is
    retried, and nothing partial is left visible.
    """
    head_arguments = {"Bucket": source.bucket, "Key": source.key}
    if source.version_id:
        head_arguments["VersionId"] = source.version_id
    head = client.head_object(**head_arguments)
    source = ObjectRef(source.bucket, source.key, head.get("VersionId") or source.version_id, str(head.get("ETag", "")).strip('"') or source.etag)
    settings = target.settings
    fmt = None
    reason = None
    try:
        fmt = format_of(source.key)
    except Unparseable as error:
        reason = error.reason
    export_key = EXPORTS + source.key
    manifest_key = f"{MANIFESTS}{source.key}.manifest.json"
    outcome = None
    if reason is None:
        writer = MultipartWriter(client, target.bucket, export_key, {"mlgov-source-version": source.version_id or "", "mlgov-manifest": manifest_key})
        try:
            with _open_source(client, source, fmt, int(head.get("ContentLength", 0))) as reader:
                outcome = redact_stream(reader, writer, fmt, settings, plan)
            writer.complete()
        except Unparseable as error:
            writer.abort()
            reason, outcome = error.reason, None
        except BaseException:
            writer.abort()
            raise
    location = f"s3://{target.bucket}/{export_key}" if reason is None else None
    manifest = build_manifest(source=source, fmt=fmt, settings=settings, plan=plan, outcome=outcome, export_location=location, reason=reason)
    if reason is not None:
        _quarantine(client, source, target.bucket, manifest)
    client.put_object(Bucket=target.bucket, Key=manifest_key, Body=dumps(manifest).encode(), ContentType="application/json")
    log_event(
        manifest["status"],
        source=source.uri(),
        reason=reason,
        macie=plan.status,
        ignoredFindings=plan.ignored,
        rowsWritten=manifest["rows"]["written"],
        masked=manifest["masked"]["byType"],
    )
    return manifest


def _quarantine(client: Any, source: ObjectRef, bucket: str, manifest: dict[str, Any]) -> None:
    copy_source = {"Bucket": source.bucket, "Key": source.key}
    if source.version_id:
        copy_source["VersionId"] = source.version_id
    # Managed copy: server side, in parts for objects over 5 GB.
    client.copy(copy_source, bucket, QUARANTINE + source.key)
    client.put_object(Bucket=bucket, Key=f"{QUARANTINE}{source.key}.reason.json", Body=dumps(manifest).encode(), ContentType="application/json")
