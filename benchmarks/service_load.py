"""How fast the vending service accepts requests and previews them with the offline engine, as figures from one run.

    PYTHONPATH=. venv/bin/python benchmarks/service_load.py [--accept N] [--samples K] [--large-samples L] [--projects P]

Loopback only (the service listens on 127.0.0.1, on a temporary data folder) and bounded (a fixed number of
requests). Measures:
  - requests accepted per second: N POSTs (validation against the catalogue, a database row, a queued job) from
    4 client threads, with the workers stopped so previews do not compete for the CPU;
  - request -> planned: K requests one after another, each previewed by the offline engine (the plans of every
    stack the project reaches, with the policy pack), on the sample catalogue and on a catalogue of P projects;
    p50 and p95 of each, and the ratio between the two catalogues.
The first preview of a catalogue also plans the base (cached afterwards); it is reported apart as "cold".
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn
import yaml

from mlgov.engine import PROJECT_DIR
from mlgov.service.app import create_app
from mlgov.service.auth import create_token
from mlgov.service.core import Service, ServiceConfig
from mlgov.service.workspace import PROJECT_PARTS

STAGE_SETS = (["sandbox"], ["dev"], ["dev", "preprod", "prod"], ["sandbox", "dev"], ["dev", "prod"])


def project(name: str, stages: list[str]) -> dict:
    return {"name": name, "team": "benchmark", "costCenter": "CC-0001", "stages": stages, "monthlyBudgetUsd": 500,
            "groups": {"dataScientists": f"ml-{name}-ds", "mlEngineers": f"ml-{name}-mle"}, "dataClassification": "internal"}


def project_with(count: int, scratch: Path) -> Path:
    """A copy of the project whose catalogue has ``count`` projects (the samples, then generated ones)."""
    source = scratch / f"project-{count}"
    source.mkdir(parents=True)
    for part in PROJECT_PARTS:
        path = PROJECT_DIR / part
        if path.is_dir():
            shutil.copytree(path, source / part, ignore=shutil.ignore_patterns("venv", "__pycache__"))
        elif path.exists():
            shutil.copy2(path, source / part)
    catalogue = source / "stacks" / "projects.yaml"
    document = yaml.safe_load(catalogue.read_text())
    while len(document["projects"]) < count:
        index = len(document["projects"])
        document["projects"].append(project(f"bench-{index:03d}", STAGE_SETS[index % len(STAGE_SETS)]))
    catalogue.write_text(yaml.safe_dump(document, sort_keys=False))
    return source


class Running:
    """The service on a free loopback port, in a thread of this process."""

    def __init__(self, source: Path, data_dir: Path, workers: bool):
        self.service = Service(ServiceConfig(data_dir=data_dir, engine="offline", project_source=source, workers=2, poll_interval_s=0.05))
        with self.service.sessions() as session, session.begin():
            self.token = create_token(session, "bench", ["requester"])
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        port = int(self.url.rsplit(":", 1)[1])
        self.server = uvicorn.Server(uvicorn.Config(create_app(self.service, run_workers=workers), host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Running":
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


def accept_rate(source: Path, scratch: Path, count: int) -> float:
    with Running(source, scratch / "accept", workers=False) as running:
        headers = {"Authorization": f"Bearer {running.token}"}

        def post(index: int) -> int:
            with httpx.Client(base_url=running.url, timeout=60) as client:
                return client.post("/v1/project-requests", json={**project(f"accept-{index:04d}", ["dev"]), "reason": "benchmark"},
                                   headers=headers).status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(post, range(count)))
        elapsed = time.perf_counter() - started
    assert codes.count(202) == count, codes
    return count / elapsed


def planned_times(source: Path, data_dir: Path, samples: int) -> tuple[float, list[float]]:
    """Seconds from POST to planned: the cold first request, then ``samples`` more."""
    times: list[float] = []
    with Running(source, data_dir, workers=True) as running, httpx.Client(base_url=running.url, timeout=60) as client:
        headers = {"Authorization": f"Bearer {running.token}"}
        for index in range(samples + 1):
            started = time.perf_counter()
            request_id = client.post("/v1/project-requests", json={**project(f"timed-{index:03d}", STAGE_SETS[index % 3]), "reason": "benchmark"},
                                     headers=headers).json()["id"]
            while (status := client.get(f"/v1/project-requests/{request_id}", headers=headers).json()["status"]) == "previewing":
                time.sleep(0.1)
            assert status == "planned", status
            times.append(time.perf_counter() - started)
            # Close it, so the next request is previewed against the same catalogue.
            client.post(f"/v1/project-requests/{request_id}/cancel", headers=headers)
    return times[0], times[1:]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(label: str, cold: float, warm: list[float]) -> float:
    p50 = statistics.median(warm)
    print(f"{label}: cold {cold:.1f} s; warm p50 {p50:.1f} s, p95 {percentile(warm, 0.95):.1f} s over {len(warm)} requests")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accept", type=int, default=60, help="requests for the acceptance rate")
    parser.add_argument("--samples", type=int, default=4, help="timed previews of the sample catalogue (after the cold one)")
    parser.add_argument("--large-samples", type=int, default=2, help="timed previews of the large catalogue (after the cold one)")
    parser.add_argument("--projects", type=int, default=100, help="projects in the large catalogue")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="mlgov-bench-"))
    try:
        sample = project_with(0, scratch)
        count = len(yaml.safe_load((sample / "stacks" / "projects.yaml").read_text())["projects"])
        print(f"accepted: {accept_rate(sample, scratch, args.accept):.1f} requests/s ({args.accept} requests, 4 client threads)")
        small = report(f"request -> planned, sample catalogue ({count} projects)", *planned_times(sample, scratch / "small", args.samples))
        large_source = project_with(args.projects, scratch)
        large = report(f"request -> planned, {args.projects} projects", *planned_times(large_source, scratch / "large", args.large_samples))
        print(f"ratio {args.projects} projects / sample catalogue (warm p50): {large / small:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
