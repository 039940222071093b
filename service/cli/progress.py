"""Progress of long CLI runs on stderr: a bar on a terminal, a line per step in a log file.

Shared by `attune kb ingest`, `attune eval guidelines` and `attune eval classify`. Stdout
stays the command's report, so scripts that read it (or its last line) are not disturbed.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class StepProgress:
    """``with StepProgress("cases", 241) as p: p.advance(passed=True, note=case_id)``.

    With ``passed`` given, the running pass rate is shown beside the count. Off a terminal
    (nohup, CI) each step is one plain line, at most one every ``log_every`` seconds plus
    the last, so that a log shows how far a run of hours has come.
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        console: Console | None = None,
        transient: bool = False,
        enabled: bool = True,
        log_every: float = 0.0,
    ) -> None:
        self.label = label
        self.total = total
        self.console = console or Console(stderr=True)
        self.done = 0
        self.passed = 0
        self.rated = 0
        self._enabled = enabled
        self._log_every = log_every
        self._last_line = 0.0
        self._started = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if enabled and self.console.is_terminal:
            self._bar = Progress(
                TextColumn(f"[bold]{escape(label)}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.description}"),
                console=self.console, transient=transient,
            )  # fmt: skip

    def __enter__(self) -> StepProgress:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    @property
    def rate(self) -> float | None:
        return self.passed / self.rated if self.rated else None

    def advance(self, steps: int = 1, *, passed: bool | int | None = None, note: str = "") -> None:
        """``passed``: whether this step passed (or how many of ``steps`` did)."""
        self.done += steps
        if passed is not None:
            self.passed += int(passed)
            self.rated += steps
        status = self.status(note)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=steps, description=status)
        elif self._enabled:
            now = time.monotonic()
            last = self.total is not None and self.done >= self.total
            if last or now - self._last_line >= self._log_every:
                self._last_line = now
                total = f"/{self.total}" if self.total is not None else ""
                elapsed = round(now - self._started)
                self.console.print(f"{self.label} {self.done}{total} {elapsed}s {status}",
                                   markup=False, highlight=False)  # fmt: skip

    def status(self, note: str = "") -> str:
        rate = self.rate
        parts = [f"pass {rate * 100:.1f}%" if rate is not None else "", note]
        return "  ".join(p for p in parts if p)
