"""Run the service with the fake engine in a process of its own, so a test can kill it (``kill -9``) and start it again.

    python tests/service/serve_fake.py DATA_DIR PORT ENGINE_LOG UP_DELAY_S [DATABASE_URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import uvicorn  # noqa: E402

from mlgov.service.app import create_app  # noqa: E402
from mlgov.service.core import Service, ServiceConfig  # noqa: E402
from tests.service.fakes import FakeEngine  # noqa: E402


def main(data_dir: str, port: str, log: str, up_delay_s: str, database_url: str | None = None) -> None:
    engine = FakeEngine(Path(log), up_delay_s=float(up_delay_s), deployed=REPO)
    config = ServiceConfig(data_dir=Path(data_dir), database_url=database_url, workers=1, engine="offline", project_source=REPO,
                           poll_interval_s=0.05, heartbeat_s=0.5, instance_ttl_s=5.0)
    uvicorn.run(create_app(Service(config, engine=engine, previewer=engine)), host="127.0.0.1", port=int(port), log_level="warning")


if __name__ == "__main__":
    main(*sys.argv[1:])
