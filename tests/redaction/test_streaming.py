"""An object bigger than the memory the redaction may use is streamed, never loaded whole; and the
Lambda's zip is deterministic and runs on the standard library alone.

Memory is measured, not timed: a fresh process redacts a file several times larger than the
growth it is allowed, and its peak resident set is read back (``ru_maxrss``).
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mlgov.redaction.package import HANDLER, build_package, lambda_zip

ROOT = Path(__file__).resolve().parents[2]
FILE_MB = 64
ALLOWED_GROWTH_MB = 24

CHILD = """
import resource, sys
sys.path.insert(0, sys.argv[4])
from pathlib import Path
from mlgov.redaction.core import Settings
from mlgov.redaction.findings import ObjectRef, plan_masks
from mlgov.redaction.local import redact_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
manifest, _ = redact_file(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Settings(keep_columns=("id", "notes")), plan_masks(None, None), ObjectRef(key="big"))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(manifest["status"], manifest["rows"]["written"], (after - before) // 1024)
"""


def _big_file(path: Path, fmt: str) -> int:
    plain = "the customer asked about the premium plan and was happy with the answer, " * 4
    pii = "call (234) 345-6789 or mail jane.doe@example.com about order 42"
    rows = 0
    with path.open("w") as out:
        if fmt == "csv":
            out.write("id,name,notes\n")
        while out.tell() < FILE_MB * 1_000_000:
            chunk = []
            for _ in range(5000):
                line = pii if rows % 100 == 0 else plain
                chunk.append(f"R{rows},Jane Doe,\"{line}\"\n" if fmt == "csv" else json.dumps({"id": f"R{rows}", "name": "Jane Doe", "notes": line}) + "\n")
                rows += 1
            out.write("".join(chunk))
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_object_larger_than_the_memory_allowed_is_streamed(tmp_path, fmt):
    source, output = tmp_path / f"big.{fmt}", tmp_path / f"out.{fmt}"
    rows = _big_file(source, fmt)
    child = subprocess.run([sys.executable, "-c", CHILD, str(source), str(output), fmt, str(ROOT)], capture_output=True, text=True, check=True)
    status, written, growth_mb = child.stdout.split()
    assert status == "exported" and int(written) == rows
    assert int(growth_mb) < ALLOWED_GROWTH_MB < FILE_MB, f"peak memory grew {growth_mb} MB while redacting a {FILE_MB} MB file"
    assert "jane.doe@example.com" not in output.read_text()[:100_000]


def test_the_zip_is_byte_for_byte_stable_and_holds_only_the_redaction_package(tmp_path):
    first, second = lambda_zip(), lambda_zip()
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert names == sorted(names) and names[0] == "mlgov/__init__.py"
    assert all(name.startswith("mlgov/redaction/") for name in names[1:]) and "mlgov/redaction/lambda_handler.py" in names
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    package = build_package(tmp_path)
    assert package.path.read_bytes() == first and hashlib.sha256(first).hexdigest()[:16] in package.path.name
    assert build_package(tmp_path) == package


def test_the_handler_imports_from_the_zip_alone(tmp_path):
    """The Lambda runtime has boto3 and the standard library: nothing else of mlgov's may be needed."""
    (tmp_path / "code.zip").write_bytes(lambda_zip())
    module, function = HANDLER.rsplit(".", 1)
    probe = (
        "import sys; sys.path[:] = [p for p in sys.path if 'site-packages' not in p and p not in ('', '.')]; "
        f"sys.path.insert(0, {str(tmp_path / 'code.zip')!r}); import importlib; "
        f"m = importlib.import_module({module!r}); print(callable(getattr(m, {function!r})), m.__file__)"
    )
    result = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ") and "code.zip" in result.stdout
