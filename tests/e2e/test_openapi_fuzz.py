"""schemathesis over the gateway's whole OpenAPI document, anonymous and with a token per
role, on a stack of its own (it writes whatever the schema allows: a priority matrix, SLA
policies, accounts, so it must not share the session's stack): not one server error.

Bounded: SERVICEDESK_FUZZ_SECONDS per identity (default 15) and SERVICEDESK_FUZZ_EXAMPLES per
operation (default 5), a fixed seed so a failure reproduces; raise both for a deeper run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import start_stack, stop_stack

IDENTITIES = {"anonymous": None, "client": "client1", "operator": "operator1",
              "technician": "tech-network-1", "knowledge_manager": "km1",
              "supervisor": "supervisor1", "admin": "admin"}
SECONDS = os.environ.get("SERVICEDESK_FUZZ_SECONDS", "15")
EXAMPLES = os.environ.get("SERVICEDESK_FUZZ_EXAMPLES", "5")


@pytest.fixture(scope="module")
def fuzz_stack(test_databases, amqp_url, tmp_path_factory):
    stack, process, bus, log_file = start_stack(test_databases, amqp_url,
                                                tmp_path_factory.mktemp("fuzz"))
    yield stack
    stop_stack(process, bus, log_file)


@pytest.mark.parametrize("role", IDENTITIES)
def test_no_input_makes_the_gateway_answer_a_server_error(fuzz_stack, role, tmp_path):
    # Log in first: the login operation is fuzzed too and may slow a demo account down.
    client = fuzz_stack.client(IDENTITIES[role])
    command = [str(Path(sys.executable).with_name("schemathesis")), "run",
               fuzz_stack.url("/api/v1/openapi.json"), "--url", fuzz_stack.url(""),
               "--checks", "not_a_server_error", "--max-examples", EXAMPLES, "--seed", "15",
               "--max-time", SECONDS, "--phases", "examples,coverage,fuzzing",
               # One worker: CPython 3.11's ast.parse, which hypothesis calls to describe
               # its strategies, can fail with a SystemError when two threads use it at once.
               "--workers", "1", "--no-shrink", "--request-timeout", "20",
               "--suppress-health-check", "all", "--warnings", "off",
               "--report", "junit", "--report-dir", str(tmp_path)]
    if "Authorization" in client.headers:
        command += ["--header", f"Authorization: {client.headers['Authorization']}"]
    # cwd: schemathesis keeps a .schemathesis cache in its working directory.
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path,
                            timeout=int(SECONDS) + 120)
    assert result.returncode == 0, (result.stdout[-15000:] + result.stderr[-3000:]
                                    + fuzz_stack.log()[-5000:])
