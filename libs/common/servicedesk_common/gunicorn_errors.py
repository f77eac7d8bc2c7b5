"""gunicorn answers a request it cannot parse (a URL over `limit_request_line`, too many
headers) itself, before any app sees it, with an HTML page; the contract wants JSON."""
from __future__ import annotations

import json

from gunicorn import util

from .errors import HTTP_CODES, error_body


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    body = json.dumps(error_body(HTTP_CODES.get(status_int, "malformed_request"),
                                 f"{reason}: {mesg}")).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin1") + body)


def install() -> None:
    """Replace gunicorn's HTML error writer (the config file calls this before workers fork)."""
    util.write_error = write_json_error
