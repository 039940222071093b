"""Progress of long eval runs on stderr, and the fixed subsets the slow model runs use."""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest
from rich.console import Console

from service.cli.classify import sample_evenly
from service.cli.guidelines import pick_cases
from service.cli.progress import StepProgress
from service.guidelines.cases import Guideline, load_cases

REPO = Path(__file__).resolve().parents[2]


def test_a_log_gets_a_line_per_case_with_the_running_pass_rate() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    with StepProgress("cases", 3, console=console) as progress:
        progress.advance(passed=True, note="✓ a")
        progress.advance(passed=False, note="✗ b")
        progress.advance(passed=True, note="✓ c")
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert "pass 50.0%" in lines[1] and lines[2].endswith("pass 66.7%  ✓ c")


def test_a_log_is_throttled_but_always_gets_the_last_step() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    with StepProgress("texts", 50, console=console, log_every=3600) as progress:
        for _ in range(50):
            progress.advance(passed=1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[-1].startswith("texts 50/50")


def test_a_terminal_gets_a_bar_with_count_and_rate() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with StepProgress("cases", 4, console=console) as progress:
        progress.advance(passed=True, note="case-1")
        progress.advance(passed=False, note="case-2")
    assert "2/4" in out.getvalue() and "pass 50.0%" in out.getvalue()


def test_the_llm_subset_covers_every_guideline_with_at_least_40_cases() -> None:
    chosen = pick_cases(load_cases("*"), REPO / "evals" / "subsets" / "llm-52.txt")
    assert len(chosen) >= 40
    assert {c.guideline for c in chosen} == set(Guideline)


def test_an_unknown_case_id_in_a_list_is_refused(tmp_path: Path) -> None:
    listed = tmp_path / "ids.txt"
    listed.write_text("grounding-001\nno-such-case  # typo\n")
    with pytest.raises(click.ClickException, match="no-such-case"):
        pick_cases(load_cases("*"), listed)


def test_sample_evenly_is_fixed_and_spread() -> None:
    items = list(range(1000))
    assert sample_evenly(items, 5) == [0, 250, 500, 749, 999]
    assert sample_evenly(items, None) == items and sample_evenly(items[:3], 10) == [0, 1, 2]
