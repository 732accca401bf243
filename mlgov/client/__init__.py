"""A typed Python client of the vending service (``mlgov serve``), for portals, ticketing flows and the CLI.

    from mlgov.client import Client
    with Client("http://127.0.0.1:8080", token) as client:
        accepted = client.request_project(project, reason="churn model for the retail team", idempotency_key="ticket-4711")
        request = client.wait(accepted.id)           # until planned (or another settled status)
        print(request.status, [s["stack"] for s in request.preview["stacks"]])

Every error the service returns is raised as :class:`ServiceError` with its
``status``, ``code``, ``message`` and ``details``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from mlgov.service.schemas import Accepted, AuditPage, Health, ProjectDetail, ProjectList, RequestDetail, RequestPage, RequestSummary, StackList

# Statuses in which a request waits for a person, or is closed: nothing more happens without a call.
SETTLED = frozenset({"planned", "rejected-by-policy", "applied", "stale", "failed", "rejected", "cancelled", "interrupted"})


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details or {}


class Client:
    def __init__(self, base_url: str, token: str, *, timeout_s: float = 60.0, transport: httpx.BaseTransport | None = None):
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s,
                                  transport=transport)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                raise ServiceError(response.status_code, "http_error", response.text[:500]) from None
            raise ServiceError(response.status_code, error.get("code", "error"), error.get("message", ""), error.get("details"))
        return response.json() if response.content else None

    # -- requests ---------------------------------------------------------------------------------
    def request_project(self, project: dict[str, Any], reason: str, *, idempotency_key: str | None = None) -> Accepted:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return Accepted.model_validate(self._call("POST", "/v1/project-requests", json={**project, "reason": reason}, headers=headers))

    def retire_project(self, name: str, reason: str, *, idempotency_key: str | None = None) -> Accepted:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return Accepted.model_validate(self._call("DELETE", f"/v1/projects/{name}", params={"reason": reason}, headers=headers))

    def get_request(self, request_id: str) -> RequestDetail:
        return RequestDetail.model_validate(self._call("GET", f"/v1/project-requests/{request_id}"))

    def list_requests(self, *, status: str | None = None, project: str | None = None, page_size: int = 50) -> Iterator[RequestSummary]:
        """Every matching request, newest first, following the pages."""
        cursor = None
        while True:
            params = {key: value for key, value in {"status": status, "project": project, "limit": page_size, "cursor": cursor}.items() if value is not None}
            page = RequestPage.model_validate(self._call("GET", "/v1/project-requests", params=params))
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def approve(self, request_id: str) -> RequestDetail:
        return RequestDetail.model_validate(self._call("POST", f"/v1/project-requests/{request_id}/approve"))

    def reject(self, request_id: str) -> RequestDetail:
        return RequestDetail.model_validate(self._call("POST", f"/v1/project-requests/{request_id}/reject"))

    def cancel(self, request_id: str) -> RequestDetail:
        return RequestDetail.model_validate(self._call("POST", f"/v1/project-requests/{request_id}/cancel"))

    def preview_again(self, request_id: str) -> RequestDetail:
        return RequestDetail.model_validate(self._call("POST", f"/v1/project-requests/{request_id}/preview"))

    def wait(self, request_id: str, *, until: frozenset[str] | set[str] = SETTLED, timeout_s: float = 1800.0, poll_s: float = 1.0,
             on_update: Callable[[RequestDetail], None] | None = None) -> RequestDetail:
        """Poll until the request reaches one of ``until``; TimeoutError after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            request = self.get_request(request_id)
            if on_update is not None:
                on_update(request)
            if request.status in until:
                return request
            if time.monotonic() > deadline:
                raise TimeoutError(f"{request_id} is still {request.status} after {timeout_s:.0f} s")
            time.sleep(poll_s)

    # -- projects, stacks, audit, health ------------------------------------------------------------
    def projects(self) -> ProjectList:
        return ProjectList.model_validate(self._call("GET", "/v1/projects"))

    def project(self, name: str) -> ProjectDetail:
        return ProjectDetail.model_validate(self._call("GET", f"/v1/projects/{name}"))

    def stacks(self) -> StackList:
        return StackList.model_validate(self._call("GET", "/v1/stacks"))

    def audit(self, *, limit: int = 50, cursor: str | None = None, request_id: str | None = None) -> AuditPage:
        params = {key: value for key, value in {"limit": limit, "cursor": cursor, "request_id": request_id}.items() if value is not None}
        return AuditPage.model_validate(self._call("GET", "/v1/audit", params=params))

    def health(self) -> Health:
        return Health.model_validate(self._call("GET", "/healthz"))


__all__ = ["Client", "SETTLED", "ServiceError"]
