"""`attune classify ...` and `attune eval classify`."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.table import Table

from service.classify.classifier import CheckInText, ClassificationResult, Classifier
from service.cli.progress import StepProgress
from service.settings import Settings

REPORTS_DIR = Path(__file__).resolve().parents[2] / "evals" / "reports"
BATCH = 64
err = Console(stderr=True)


def _classifier(settings: Settings, backend: str) -> Classifier:
    from service.classify.provider import build_classifier
    from service.cli.knowledge import embedder_for

    return build_classifier(settings.model_copy(update={"classifier_backend": backend}),
                            embedder_for(settings))  # fmt: skip


def parse_line(line: str, number: int) -> tuple[Any, CheckInText | None, str | None]:
    """One JSONL input line → (id, item) or (id, None, error)."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"line {number}: not JSON ({exc.msg})"
    if not isinstance(row, dict):
        return None, None, f"line {number}: expected an object"
    ident = row.get("id")
    text = row.get("text")
    if ident is None:
        return None, None, f"line {number}: missing 'id'"
    if not isinstance(text, str) or not text.strip():
        return ident, None, f"line {number}: 'text' must be a non-empty string"
    scores: dict[str, int | None] = {}
    for key in ("mood", "connection"):
        value = row.get(key)
        if value is not None and (type(value) is not int or not 1 <= value <= 5):
            return ident, None, f"line {number}: '{key}' must be an integer 1-5"
        scores[key] = value
    locale = row.get("locale")
    if locale is not None and not isinstance(locale, str):
        return ident, None, f"line {number}: 'locale' must be a string"
    return ident, CheckInText(text, scores["mood"], scores["connection"], locale), None


def _lines(source: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(source, 1):
        if line.strip():
            yield number, line


def output_row(ident: Any, result: ClassificationResult) -> dict[str, Any]:
    row = {"id": ident, **result.labels()}
    if result.notes:
        row["notes"] = result.notes
    return row


def classify_jsonl(settings: Settings, source: TextIO, out: TextIO, backend: str) -> int:
    """Classify every line; returns the number of invalid lines (each reported on stderr)."""
    classifier = _classifier(settings, backend)
    errors = 0
    pending: list[tuple[Any, CheckInText]] = []

    def flush() -> None:
        results = classifier.classify_batch([item for _, item in pending])
        for (ident, _), result in zip(pending, results, strict=True):
            out.write(json.dumps(output_row(ident, result), ensure_ascii=False) + "\n")
        out.flush()
        pending.clear()

    with StepProgress("classifying", None, console=err, transient=True,
                      enabled=err.is_terminal) as progress:  # fmt: skip
        for number, line in _lines(source):
            ident, item, problem = parse_line(line, number)
            if item is None:
                flush() if pending else None
                errors += 1
                err.print(f"[red]skipped[/red] {problem}")
                out.write(json.dumps({"id": ident, "error": problem}) + "\n")
                continue
            pending.append((ident, item))
            if len(pending) >= BATCH:
                flush()
            progress.advance()
        if pending:
            flush()
    return errors


def train_command(settings: Settings, encoder: str) -> None:
    from service.classify.dataset import load_examples, split
    from service.classify.training import train
    from service.knowledge.embedder import LOCAL_ENCODERS, get_embedder

    if encoder not in LOCAL_ENCODERS:
        raise click.ClickException(
            f"unknown encoder {encoder!r}; choose one of {', '.join(sorted(LOCAL_ENCODERS))}"
        )
    examples = split(load_examples(), "train")
    started = time.monotonic()
    result = train(examples, get_embedder(encoder), progress=lambda m: err.print(f"• {m}"))
    path = result.model.save()
    click.echo(
        f"trained {result.model.version} on {len(examples)} examples in "
        f"{time.monotonic() - started:.0f}s → {path.parent}"
    )
    click.echo(json.dumps(result.model.metadata, indent=2))


def sample_evenly(items: list[Any], n: int | None) -> list[Any]:
    """``n`` items spread evenly over ``items`` (first and last included), in order."""
    if n is None or n >= len(items):
        return items
    if n <= 1:
        return items[:n]
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


def eval_classify_command(
    settings: Settings, split_name: str, backend: str, sample: int | None = None
) -> dict[str, Any]:
    from service.classify.dataset import load_examples, split
    from service.classify.evaluation import evaluate
    from service.lib.llm_stats import CallLog

    examples = sample_evenly(split(load_examples(), split_name), sample)
    if not examples:
        raise click.ClickException(f"no examples in split {split_name!r}")
    classifier = _classifier(settings, backend)
    calls = _attach_call_log(classifier, CallLog())
    # A model answers one text at a time: then the bar moves (and shows the rate) per text.
    batch = 1 if calls is not None else BATCH
    results: list[ClassificationResult] = []
    started = time.monotonic()
    with StepProgress(f"classifying {split_name}", len(examples), console=err, transient=True,
                      log_every=10.0) as progress:  # fmt: skip
        for i in range(0, len(examples), batch):
            chunk = examples[i : i + batch]
            got = classifier.classify_batch(
                [CheckInText(e.text, e.mood, e.connection, e.locale) for e in chunk]
            )
            results += got
            agree = sum(str(r.risk_level) == e.risk_level for r, e in zip(got, chunk, strict=True))
            progress.advance(len(chunk), passed=agree, note="risk level agrees with gold")
    report = evaluate(examples, results)
    if calls is not None:
        report["llm"] = {"model": settings.llm_model, "calls": calls.summary(),
                         "fell_back_to_local": sum(any("llm unavailable" in n for n in r.notes)
                                                   for r in results)}  # fmt: skip
        err.print(f"model calls: {json.dumps(report['llm'])}", markup=False, highlight=False)
    report.update(
        {
            "split": split_name,
            "sample": sample,
            "backend": classifier.backend,
            "model_version": results[0].model_version if results else "",
            "seconds": round(time.monotonic() - started, 2),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    suffix = f"-sample{len(examples)}" if sample is not None else ""
    path = REPORTS_DIR / f"classify-{classifier.backend}-{split_name}{suffix}.json"
    path.write_text(json.dumps(report, indent=2))
    print_report(report)
    click.echo(f"report written to {path}")
    return report


def _attach_call_log(classifier: Classifier, calls: Any) -> Any:
    """Record the model calls of an LLM-backed classifier; None for the others."""
    from service.classify.combined import LLMBackedClassifier

    if not isinstance(classifier, LLMBackedClassifier):
        return None
    classifier.llm.gateway.calls = calls
    return calls


def print_report(report: dict[str, Any]) -> None:
    console = Console()
    for group in ("patterns", "burnout_signals", "risk_categories"):
        table = Table(title=f"{group} (micro-F1 {report[group]['micro']['f1']:.3f})")
        for column in ("label", "precision", "recall", "F1", "support"):
            table.add_column(column, justify="right" if column != "label" else "left")
        for label, s in report[group]["labels"].items():
            table.add_row(label, f"{s['precision']:.2f}", f"{s['recall']:.2f}", f"{s['f1']:.2f}",
                          str(s["support"]))  # fmt: skip
        console.print(table)
    risk = report["risk"]
    table = Table(title="risk level: gold (rows) × predicted (columns)")
    table.add_column("gold")
    levels = list(risk["confusion"])
    for level in levels:
        table.add_column(level, justify="right")
    for gold in levels:
        table.add_row(gold, *(str(risk["confusion"][gold][p]) for p in levels))
    console.print(table)
    console.print(
        f"elevated+urgent recall [bold]{risk['elevated_or_urgent_recall']:.3f}[/bold]  "
        f"urgent recall [bold]{risk['urgent_recall']:.3f}[/bold]  "
        f"urgent precision {risk['urgent_precision']:.3f}  "
        f"false alarms [bold]{risk['false_alarm_rate']:.3f}[/bold]  "
        f"(backend {report['backend']}, {report['examples']} examples, split {report['split']})"
    )
    breakdown = Table(title="by language and register (FA: false alarms among none/concern)")
    # elev+/urg/low: how many texts are elevated-or-worse, urgent, none-or-concern
    for column in ("group", "n", "elev+", "recall", "urg", "recall", "low", "FA",
                   "pat F1", "burn F1"):  # fmt: skip
        breakdown.add_column(column, justify="left" if column == "group" else "right")
    groups = [*report["by_language"].items(), *report["by_register"].items()]
    for name, g in groups:
        sup = g["support"]
        read = g["patterns_read_for"]
        breakdown.add_row(
            name, str(g["examples"]), str(sup["elevated_or_urgent"]),
            f"{g['elevated_or_urgent_recall']:.3f}", str(sup["urgent"]), f"{g['urgent_recall']:.3f}",
            str(sup["none_or_concern"]), f"{g['false_alarm_rate']:.3f}",
            f"{g['patterns_micro_f1']:.3f}" if read else "not read",
            f"{g['burnout_micro_f1']:.3f}" if read else "not read",
        )  # fmt: skip
    console.print(breakdown)
    if report.get("reliability"):
        rel = Table(title="reliability of risk_score (calibrated P(elevated or worse))")
        for column in ("score bin", "texts", "mean score", "observed elevated+"):
            rel.add_column(column, justify="right")
        for row in report["reliability"]:
            rel.add_row(row["bin"], str(row["n"]), f"{row['mean_score']:.3f}",
                        f"{row['observed_elevated_plus']:.3f}")  # fmt: skip
        console.print(rel)
    if report.get("ask"):
        print_ask_table(console, report["ask"])
    for title, key in (
        ("missed severe cases (no escalation)", "missed_severe"),
        ("false alarms", "false_alarms"),
    ):
        cases = report.get(key, [])
        console.print(f"\n[bold]{title}: {len(cases)}[/bold]")
        for c in cases:
            print_case(console, c)


def print_case(console: Console, c: dict[str, Any]) -> None:
    score = "-" if c["risk_score"] is None else f"{c['risk_score']:.2f}"
    asked = f" asked {c['ask']}" if c.get("ask") else ""
    console.print(
        f"[dim]{c['id']} {c['language']}/{c['register']}[/dim] gold {c['gold']} "
        f"{c['gold_categories']} → {c['predicted']} {c['predicted_categories']}{asked} "
        f"score {score} rules {c['rules']}",
        highlight=False,
    )
    console.print(f"    {c['text']}", highlight=False, markup=False)


def print_ask_table(console: Console, ask: dict[str, Any]) -> None:
    """Issue 11's one table: escalated, asked, neither (severe); asked, escalated (benign)."""
    table = Table(
        title="ask, don't assume: severe (gold elevated/urgent) and benign (gold none) texts "
        "[targets: severe neither ≤ 0.01, benign asked ≤ 0.08, benign escalated ≤ 0.03]"
    )
    for column in ("group", "severe", "escalated", "asked", "neither", "benign", "asked",
                   "escalated"):  # fmt: skip
        table.add_column(column, justify="left" if column == "group" else "right")
    for name, g in ask["groups"].items():
        if not g["severe"] and not g["benign"]:
            continue
        table.add_row(
            name, str(g["severe"]), f"{g['severe_escalated']:.3f}", f"{g['severe_asked']:.3f}",
            f"{g['severe_neither']:.3f}", str(g["benign"]), f"{g['benign_asked']:.3f}",
            f"{g['benign_escalated']:.3f}",
        )  # fmt: skip
    console.print(table)
    console.print(
        f"concern texts asked {ask['concern_asked']:.3f}; questions by kind "
        f"{ask['asked_by_kind']}; by row of the ask table {ask['asked_by_row']}",
        highlight=False,
    )
    console.print(f"\n[bold]severe with neither: {len(ask['severe_neither_cases'])}[/bold]")
    for c in ask["severe_neither_cases"]:
        print_case(console, c)


def open_input(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    file = Path(path)
    if not file.exists():
        raise click.ClickException(f"no such file: {path}")
    return file.open(encoding="utf-8")


def eval_counselchat_command(settings: Settings, csv_path: Path | None, backend: str) -> None:
    from service.classify.counselchat import DEFAULT_CSV, LEVELS, analyse, load_questions

    path = csv_path or DEFAULT_CSV
    if not path.exists():
        raise click.ClickException(f"CounselChat CSV not found at {path}")
    questions = load_questions(path)
    err.print(f"classifying {len(questions)} distinct questions")
    report = analyse(_classifier(settings, backend), questions)
    console = Console()
    for title, block in (
        (
            f"test split ({report['test_split']['questions']} questions)",
            report["test_split"]["by_topic"],
        ),
        ("all splits", report["all_splits"]["by_topic"]),
    ):
        table = Table(title=f"risk level by topic: {title}")
        table.add_column("topic")
        for level in LEVELS:
            table.add_column(level, justify="right")
        for topic, counts in block.items():
            table.add_row(topic, *(str(counts[lvl]) for lvl in LEVELS))
        console.print(table)
    for topic, focus in report["focus_topics_all_splits"].items():
        console.print(f"{topic}: {focus['questions']} questions → levels {focus['levels']}, "
                      f"categories {focus['categories']}, asked {focus['asked']}")  # fmt: skip
    test = report["test_split"]
    console.print(f"test split: {test['asked']} of {test['questions']} questions would be asked "
                  f"a safety question {test['asked_by_kind']}")  # fmt: skip
    console.print(
        f"{len(report['to_read'])} outputs to read (test split read elevated/urgent, and every "
        "domestic-violence, self-harm and depression question): listed in the report's 'to_read'"
    )
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    out = REPORTS_DIR / f"counselchat-{report['backend']}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    click.echo(f"report (with {len(report['sample'])} sample outputs) written to {out}")
