"""A real llama.cpp server with SmolLM2-135M, started once for the realmodel tests.

Opt-in: pyproject deselects the ``realmodel`` marker; `make test-realmodel` installs the
server and fetches the model, then runs ``pytest -m realmodel tests/realmodel``. The tests
skip, saying why, only when llama-cpp-python[server] cannot be imported or the model file
is absent; a model file that is there but not the pinned one fails them.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The database, Redis, knowledge base and worker fixtures of the integration tests.
from tests.integration.conftest import (  # noqa: F401
    _isolated,
    client,
    database,
    job_context,
    knowledge_base,
    redis,
    settings,
)

REPO = Path(__file__).resolve().parents[2]
MODEL = "smollm2-135m"
N_CTX = 4096


def models_dir() -> Path:
    """ATTUNE_MODELS_DIR, else the default data dir's cache (where `attune llm fetch` puts it)."""
    return Path(os.environ.get("ATTUNE_MODELS_DIR") or REPO / ".attune" / "models")


@pytest.fixture(scope="session")
def real_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running llama.cpp server with the pinned SmolLM2 (skips as explained)."""
    from service.lib import local_llm

    if not local_llm.server_installed():
        pytest.skip(
            "llama-cpp-python[server] cannot be imported in this environment: "
            f"`{sys.executable} -m pip install '{local_llm.LLAMA_CPP_REQUIREMENT}'` "
            "(or `attune llm install`; a source build needs a C++ compiler)"
        )
    model = local_llm.MODELS[MODEL]
    path = local_llm.model_path(model, models_dir())
    if not path.exists():
        pytest.skip(f"model absent: {path} (run `attune llm fetch --model {MODEL}`)")
    local_llm.verify(model, path)  # a file that is there must be the pinned one
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    command = local_llm.server_command(model, path, port=port, n_ctx=N_CTX)
    with log.open("wb") as sink:
        process = local_llm.start_server(command, log=sink)
        try:
            local_llm.wait_ready(f"http://127.0.0.1:{port}/v1", process, timeout=120)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            local_llm.stop_server(process)
