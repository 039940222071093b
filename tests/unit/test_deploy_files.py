"""docker-compose.yml and .ci/run stay true to the README (no Docker engine runs here)."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import REPO


def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_healthy_dependencies() -> None:
    services = compose()["services"]
    assert {"db", "redis", "migrate", "api", "worker", "scheduler"} <= set(services)
    assert services["db"]["image"].startswith("pgvector/pgvector")
    for name in ("db", "redis", "api"):
        assert "healthcheck" in services[name], name
    for name in ("api", "worker", "scheduler"):
        deps = services[name]["depends_on"]
        assert deps["db"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme
    assert ci.strip().splitlines()[-1] == "make test"


def test_the_optional_llm_service_stays_off_by_default_and_reads_a_mounted_model() -> None:
    spec = compose()
    llm = spec["services"]["llm"]
    assert llm["profiles"] == ["llm"]  # `docker compose up` does not start it
    assert llm["image"].startswith("ghcr.io/ggml-org/llama.cpp:server")
    assert any(v.endswith(":/models:ro") for v in llm["volumes"]) and "llmmodels" in spec["volumes"]
    assert "healthcheck" in llm
    for name in ("api", "worker", "scheduler", "migrate"):
        assert "llm" not in spec["services"][name].get("depends_on", {})


def test_the_llm_profile_fetches_the_model_into_the_volume_it_serves() -> None:
    """The named volume starts empty: `llm-fetch` fills it once, and `llm` waits for it."""
    services = compose()["services"]
    fetch, llm = services["llm-fetch"], services["llm"]
    assert fetch["profiles"] == ["llm"] and fetch["restart"] == "no"
    assert fetch["command"][:3] == ["attune", "llm", "fetch"]
    assert fetch["command"][fetch["command"].index("--cache-dir") + 1] == "/models"
    assert [v.rsplit(":", 1)[0] for v in fetch["volumes"]] == [
        v.rsplit(":", 2)[0] for v in llm["volumes"]
    ]
    assert llm["depends_on"]["llm-fetch"]["condition"] == "service_completed_successfully"
    assert "db" not in fetch.get("depends_on", {})  # the model needs no database


def test_compose_passes_the_local_model_settings_through(monkeypatch: Any) -> None:
    from service.settings import Settings

    env = compose()["x-attune"]["environment"]
    for name in ("LLM_CONTEXT_TOKENS", "LLM_TIMEOUT_SECONDS", "CLASSIFIER_BACKEND"):
        assert name in env
    monkeypatch.setenv("LLM_CONTEXT_TOKENS", "")  # what `${LLM_CONTEXT_TOKENS:-}` gives
    assert Settings(_env_file=None).llm_context_tokens is None  # type: ignore[call-arg]
    monkeypatch.setenv("LLM_CONTEXT_TOKENS", "4096")
    assert Settings(_env_file=None).llm_context_tokens == 4096  # type: ignore[call-arg]
