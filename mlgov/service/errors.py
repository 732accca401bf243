"""Every error the API returns is ``{"error": {"code", "message", "details"}}``; never a stack trace.

Bad input is a 4xx with a code a program can branch on and a message a person
can act on. Anything unexpected is a 500 that names a reference the service
log carries, not the exception.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

LOG = logging.getLogger("mlgov.service")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details if details is not None else {}
        self.headers = headers


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


def not_found(what: str, name: str) -> ApiError:
    return ApiError(404, "not_found", f"no {what} {name!r}")


_HTTP_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
               409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_request"}


def _location(loc: tuple) -> str:
    parts = [str(part) for part in loc]
    return ".".join(parts[1:] if parts and parts[0] in ("query", "path", "header", "body") else parts) or "(request)"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(error_body(error.code, error.message, error.details), status_code=error.status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        issues = [{"in": str(item["loc"][0]) if item.get("loc") else "request", "field": _location(tuple(item.get("loc", ()))),
                   "problem": item.get("msg", "is not valid")} for item in error.errors()]
        message = "; ".join(f"{issue['field']}: {issue['problem']}" for issue in issues)
        return JSONResponse(error_body("invalid_request", message or "the request is not valid", {"issues": issues}), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:12]
        LOG.exception("unexpected error %s on %s %s", reference, request.method, request.url.path)
        return JSONResponse(error_body("internal", f"the service failed unexpectedly (reference {reference} in its log)"), status_code=500)
