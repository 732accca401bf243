"""The export Lambda's code as a deterministic zip: same sources, same bytes, same hash.

Entries are sorted, every timestamp is 1980-01-01, every mode 0644 and
nothing is compressed (DEFLATE output may differ between zlib builds), so the
archive (and ``source_code_hash``, and so the plan) changes only when the
code does, on any machine. It holds ``mlgov/__init__.py`` and the ``mlgov/redaction``
package: standard library code only (boto3 comes with the Lambda Python
runtime; pyarrow does not, see ``DevDataExport``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent.parent
HANDLER = "mlgov.redaction.lambda_handler.handler"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _sources() -> list[Path]:
    return [PACKAGE_DIR.parent / "__init__.py", *sorted(PACKAGE_DIR.glob("*.py"))]


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(_sources(), key=lambda p: p.relative_to(ROOT).as_posix()):
            info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


@dataclass(frozen=True)
class LambdaPackage:
    path: Path
    """The zip file, named by its content hash."""
    source_code_hash: str
    """Base64 SHA-256 of the zip, as Lambda reports ``CodeSha256``."""


def build_package(build_dir: Path | None = None) -> LambdaPackage:
    """Write the zip under ``build_dir`` (default ``<repo>/build/lambda``) once per content."""
    data = lambda_zip()
    digest = hashlib.sha256(data)
    directory = build_dir or ROOT / "build" / "lambda"
    path = directory / f"mlgov-redaction-{digest.hexdigest()[:16]}.zip"
    if not path.exists() or path.read_bytes() != data:
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return LambdaPackage(path=path, source_code_hash=base64.b64encode(digest.digest()).decode())
