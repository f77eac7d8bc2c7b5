"""Errors in the contract's shape: {"error": {"code", "message", "details"}}."""
from __future__ import annotations


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code

    def body(self) -> dict:
        return error_body(self.code, self.message, self.details)


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class Gone(ApiError):
    status, code = 410, "gone"


class TooLarge(ApiError):
    status, code = 413, "too_large"


class UnsupportedMedia(ApiError):
    status, code = 415, "unsupported_media_type"


class Invalid(ApiError):
    """422: `details` maps field -> list of messages."""
    status, code = 422, "validation_failed"

    def __init__(self, message: str = "Some fields are not valid.", *,
                 details: dict | None = None, field: str | None = None):
        if field:
            details = {field: [message], **(details or {})}
        super().__init__(message, details=details)


class Unavailable(ApiError):
    status, code = 503, "service_unavailable"


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


HTTP_CODES = {400: "malformed_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 410: "gone",
              413: "too_large", 414: "uri_too_long", 415: "unsupported_media_type",
              417: "expectation_failed", 422: "validation_failed", 429: "rate_limited",
              431: "headers_too_large", 500: "internal_error", 501: "not_implemented",
              502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout"}
