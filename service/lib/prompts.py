"""Versioned prompt files (``prompts/<name>/v<N>.md``), loaded by name and rendered safely.

A prompt file is YAML front matter (``id``, ``version``, ``description``, optional
``response_schema``) followed by a ``## system`` and a ``## user`` section (a shared fragment
such as the guidelines declares ``kind: fragment`` and has only ``## system``). The user section is
a ``str.format`` template; literal braces in it are written ``{{`` and ``}}``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"

_VERSION_FILE = re.compile(r"^v(\d+)\.md$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n(.*)\Z", re.DOTALL)
_SECTION = re.compile(r"^##[ \t]+(system|user)[ \t]*$", re.MULTILINE)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class PromptError(Exception):
    """Base class of prompt loading and rendering errors."""


class PromptNotFoundError(PromptError, LookupError):
    """No prompt file for the requested name or version."""


class PromptFormatError(PromptError, ValueError):
    """A prompt file that does not follow the front-matter-plus-sections format."""


class PromptRenderError(PromptError, KeyError):
    """A template value is missing when rendering."""

    def __str__(self) -> str:  # KeyError would quote the message; keep it readable
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Prompt:
    """One version of one prompt: a fixed system message and a user-message template."""

    id: str
    version: int
    system: str
    user_template: str
    description: str = ""
    response_schema: str | None = None

    @property
    def ref(self) -> str:
        """What is stored beside every output made with this prompt, e.g. ``classify@v1``."""
        return f"{self.id}@v{self.version}"

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the user template needs."""
        return _placeholders(self.user_template)

    def render(self, **values: object) -> list[dict[str, str]]:
        """The chat messages (system, user) with ``values`` filled into the user template.

        Values are inserted as text, never re-parsed as a template, so braces or format
        syntax inside them are harmless. Missing values raise ``PromptRenderError``.
        """
        missing = sorted(self.placeholders - values.keys())
        if missing:
            raise PromptRenderError(
                f"prompt {self.ref} needs values for {', '.join(missing)}; "
                f"got {', '.join(sorted(values)) or 'none'}"
            )
        user = self.user_template.format_map({k: _as_text(v) for k, v in values.items()})
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def load_prompt(name: str, version: int | None = None, directory: Path | None = None) -> Prompt:
    """Load ``<directory>/<name>/v<version>.md`` (the highest version when ``version`` is None)."""
    if not _NAME.match(name):
        raise PromptNotFoundError(f"invalid prompt name {name!r}")
    folder = (directory or PROMPTS_DIR) / name
    versions = available_versions(name, directory)
    if not versions:
        raise PromptNotFoundError(f"no prompt files in {folder}")
    chosen = max(versions) if version is None else version
    if chosen not in versions:
        raise PromptNotFoundError(
            f"prompt {name!r} has no version {chosen} (available: {sorted(versions)})"
        )
    path = folder / f"v{chosen}.md"
    return _parse(path.read_text(encoding="utf-8"), name=name, version=chosen, path=path)


def available_versions(name: str, directory: Path | None = None) -> list[int]:
    """The versions of prompt ``name`` present on disk, in ascending order."""
    folder = (directory or PROMPTS_DIR) / name
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_FILE.match(p.name)))


def _parse(raw: str, *, name: str, version: int, path: Path) -> Prompt:
    match = _FRONT_MATTER.match(raw)
    if match is None:
        raise PromptFormatError(f"{path}: missing '---' front matter")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise PromptFormatError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise PromptFormatError(f"{path}: front matter must be a mapping")
    _check_meta(meta, name=name, version=version, path=path)
    sections = _sections(match.group(2), path, fragment=meta.get("kind") == "fragment")
    user = sections["user"]
    try:
        _placeholders(user)
    except ValueError as exc:
        raise PromptFormatError(f"{path}: user template: {exc}") from exc
    schema = meta.get("response_schema")
    return Prompt(
        id=name,
        version=version,
        system=sections["system"],
        user_template=user,
        description=str(meta.get("description", "")),
        response_schema=str(schema) if schema is not None else None,
    )


def _check_meta(meta: Mapping[str, Any], *, name: str, version: int, path: Path) -> None:
    if meta.get("id") != name:
        raise PromptFormatError(f"{path}: front matter id {meta.get('id')!r} != {name!r}")
    declared = meta.get("version")
    if not isinstance(declared, int) or isinstance(declared, bool) or declared != version:
        raise PromptFormatError(f"{path}: front matter version {declared!r} != {version}")


def _sections(body: str, path: Path, *, fragment: bool = False) -> dict[str, str]:
    marks = list(_SECTION.finditer(body))
    names = [m.group(1) for m in marks]
    if fragment and names == ["system"]:  # shared text (the guidelines), prepended to others
        system = body[marks[0].end() :].strip()
        if not system:
            raise PromptFormatError(f"{path}: empty system section")
        return {"system": system, "user": ""}
    if names != ["system", "user"]:
        raise PromptFormatError(f"{path}: expected '## system' then '## user', found {names}")
    system = body[marks[0].end() : marks[1].start()].strip()
    user = body[marks[1].end() :].strip()
    if not system or not user:
        raise PromptFormatError(f"{path}: empty system or user section")
    return {"system": system, "user": user}


def _placeholders(template: str) -> frozenset[str]:
    """Placeholder names; only bare identifiers are allowed (no attribute or index access)."""
    names: set[str] = set()
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a bare name")
        names.add(field)
    return frozenset(names)


def _as_text(value: object) -> str:
    return "" if value is None else str(value)
