"""gunicorn run with deploy/gunicorn.conf.py, as every web process is: what it refuses before
the app sees it (a URL over limit_request_line) is still the contract's JSON error."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servicedesk_common.testing import free_port

ROOT = Path(__file__).resolve().parents[4]
APP = '''
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"ok": true}']
'''


@pytest.fixture
def gunicorn(tmp_path):
    (tmp_path / "tiny_app.py").write_text(APP)
    port = free_port()
    env = {**os.environ, "SERVICEDESK_BIND": f"127.0.0.1:{port}", "SERVICEDESK_WEB_WORKERS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--chdir", str(tmp_path), "tiny_app:app"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(port, "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=20)


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_a_url_over_the_request_line_limit_is_a_json_414(gunicorn):
    assert _get(gunicorn, "/api/v1/tickets?q=" + "a" * 100).status == 200
    response = _get(gunicorn, "/api/v1/tickets?q=" + "a" * 10000)
    assert response.status == 414
    assert response.getheader("Content-Type") == "application/json"
    error = json.loads(response.body)["error"]
    assert error["code"] == "uri_too_long" and error["message"] and error["details"] == {}
