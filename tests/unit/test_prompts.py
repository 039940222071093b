"""Prompt files: loading by name and version, rendering, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.lib.prompts import (
    Prompt,
    PromptFormatError,
    PromptNotFoundError,
    PromptRenderError,
    available_versions,
    load_prompt,
)

PROMPT_V1 = """---
id: greet
version: 1
description: first
---

## system
You are terse.

## user
Say hi to {name}.
"""

PROMPT_V2 = """---
id: greet
version: 2
description: second
response_schema: greeting
---

## system
You are kind. Output {"like": "this"} literally.

## user
Say hello to {name} in {language}. Keep {{braces}} as they are.
"""


@pytest.fixture
def prompts_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "greet"
    folder.mkdir()
    (folder / "v1.md").write_text(PROMPT_V1, encoding="utf-8")
    (folder / "v2.md").write_text(PROMPT_V2, encoding="utf-8")
    (folder / "notes.txt").write_text("not a prompt", encoding="utf-8")
    return tmp_path


def _write(directory: Path, text: str, version: int = 1) -> None:
    folder = directory / "broken"
    folder.mkdir(exist_ok=True)
    (folder / f"v{version}.md").write_text(text, encoding="utf-8")


def test_latest_version_is_loaded_when_none_is_asked(prompts_dir: Path) -> None:
    prompt = load_prompt("greet", directory=prompts_dir)
    assert (prompt.id, prompt.version, prompt.ref) == ("greet", 2, "greet@v2")
    assert prompt.response_schema == "greeting"
    assert available_versions("greet", prompts_dir) == [1, 2]


def test_a_pinned_version_is_loaded(prompts_dir: Path) -> None:
    prompt = load_prompt("greet", version=1, directory=prompts_dir)
    assert prompt.ref == "greet@v1"
    assert prompt.system == "You are terse."
    assert prompt.response_schema is None


def test_render_gives_system_then_user_with_values_filled(prompts_dir: Path) -> None:
    prompt = load_prompt("greet", directory=prompts_dir)
    messages = prompt.render(name="Sam", language="French")
    assert messages == [
        {"role": "system", "content": 'You are kind. Output {"like": "this"} literally.'},
        {"role": "user", "content": "Say hello to Sam in French. Keep {braces} as they are."},
    ]


def test_values_with_format_syntax_are_inserted_verbatim(prompts_dir: Path) -> None:
    prompt = load_prompt("greet", directory=prompts_dir)
    hostile = "{language} {0} {__class__} {name.__dict__} }{"
    user = prompt.render(name=hostile, language="en")[1]["content"]
    assert user == f"Say hello to {hostile} in en. Keep {{braces}} as they are."


def test_missing_placeholder_names_what_is_missing(prompts_dir: Path) -> None:
    prompt = load_prompt("greet", directory=prompts_dir)
    with pytest.raises(PromptRenderError, match=r"greet@v2 needs values for language") as info:
        prompt.render(name="Sam")
    assert isinstance(info.value, KeyError)
    assert "got name" in str(info.value)


def test_unknown_name_or_version_is_a_clear_error(prompts_dir: Path) -> None:
    with pytest.raises(PromptNotFoundError, match="no prompt files"):
        load_prompt("missing", directory=prompts_dir)
    with pytest.raises(PromptNotFoundError, match=r"no version 7 \(available: \[1, 2\]\)"):
        load_prompt("greet", version=7, directory=prompts_dir)
    with pytest.raises(PromptNotFoundError, match="invalid prompt name"):
        load_prompt("../etc", directory=prompts_dir)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## system\nx\n## user\ny\n", "front matter"),
        ("---\nid: other\nversion: 1\n---\n## system\nx\n## user\ny\n", "id"),
        ("---\nid: broken\nversion: 2\n---\n## system\nx\n## user\ny\n", "version"),
        ("---\nid: broken\nversion: '1'\n---\n## system\nx\n## user\ny\n", "version"),
        ("---\nid: broken\nversion: 1\n---\n## user\ny\n## system\nx\n", "expected '## system'"),
        ("---\nid: broken\nversion: 1\n---\n## system\nx\n", "expected '## system'"),
        ("---\nid: broken\nversion: 1\n---\n## system\n\n## user\ny\n", "empty"),
        ("---\nid: broken\nversion: 1\n---\n## system\nx\n## user\n{a.b}\n", "bare name"),
        ("---\nid: broken\nversion: 1\n---\n## system\nx\n## user\n{a!r}\n", "bare name"),
        ("---\nid: broken\nversion: 1\n---\n## system\nx\n## user\n{a\n", "user template"),
        ("---\n[unclosed\n---\n## system\nx\n## user\ny\n", "YAML"),
    ],
)
def test_malformed_prompt_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, text)
    with pytest.raises(PromptFormatError, match=message):
        load_prompt("broken", directory=tmp_path)


def test_the_repository_classify_prompt_loads_and_renders() -> None:
    prompt = load_prompt("classify")
    assert prompt.ref == f"classify@v{max(available_versions('classify'))}"
    assert prompt.placeholders == {"text", "mood", "connection", "locale", "boundary"}
    messages = prompt.render(text="we laughed", mood=4, connection=None, locale="en", boundary="b1")
    assert "<<<CHECKIN b1>>>\nwe laughed\n<<<END CHECKIN b1>>>" in messages[1]["content"]
    # The system prompt is sent as written: its JSON example keeps single braces.
    assert '{"risk_level": "none"' in messages[0]["content"]


def test_prompt_is_frozen() -> None:
    prompt = Prompt(id="x", version=1, system="s", user_template="u")
    with pytest.raises(AttributeError):
        prompt.version = 2  # type: ignore[misc]


@given(name=st.text(), language=st.text())
def test_render_never_raises_for_any_text_value(name: str, language: str) -> None:
    prompt = Prompt(
        id="greet",
        version=1,
        system="s",
        user_template="Say hello to {name} in {language}. Keep {{braces}}.",
    )
    user = prompt.render(name=name, language=language)[1]["content"]
    assert user == f"Say hello to {name} in {language}. Keep {{braces}}."
