"""One client process of the concurrency test: asks for projects, each twice with the same Idempotency-Key (a retry).

    python tests/service/submit_requests.py URL TOKEN NAME [NAME ...]   (prints the request ids, one per line)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mlgov.client import Client  # noqa: E402
from tests.service.conftest import project  # noqa: E402


def main(url: str, token: str, *names: str) -> None:
    with Client(url, token) as client:
        for name in names:
            first = client.request_project(project(name, ["sandbox"]), "load test", idempotency_key=f"key-{name}")
            retry = client.request_project(project(name, ["sandbox"]), "load test", idempotency_key=f"key-{name}")
            assert retry.id == first.id and retry.replayed, (first, retry)
            print(first.id, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
