"""`attune eval guidelines`: the guideline cases through the real service, with reports."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from service.cli.progress import StepProgress
from service.settings import Settings

err = Console(stderr=True)
REPORTS_DIR = Path(__file__).resolve().parents[2] / "evals" / "reports"


def eval_guidelines_command(
    settings: Settings,
    *,
    backend: str,
    pattern: str,
    update_baseline: bool,
    reports_dir: Path = REPORTS_DIR,
    cases_dir: Path | None = None,
    judge: bool = False,
    case_list: Path | None = None,
) -> dict[str, Any]:
    from service.guidelines.cases import CaseFileError, load_cases
    from service.lib.logging import configure_logging

    if backend == "llm" and not settings.llm_base_url:
        raise click.ClickException("--backend llm needs LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY)")
    judge_url = settings.judge_base_url or settings.llm_base_url
    if judge and not judge_url:
        raise click.ClickException("--judge needs JUDGE_BASE_URL or LLM_BASE_URL")
    try:
        cases = load_cases(pattern, cases_dir) if cases_dir else load_cases(pattern)
    except CaseFileError as exc:
        raise click.ClickException(str(exc)) from None
    if case_list is not None:
        cases = pick_cases(cases, case_list)
    if not cases:
        raise click.ClickException(f"no cases match {pattern!r} in {cases_dir or 'evals/cases/'}")
    cache = settings.environment != "test"
    configure_logging("critical", json=settings.log_json, cache=cache)  # failures: the report
    try:
        return _run(settings, cases, backend=backend, judge=judge, judge_url=judge_url,
                    update_baseline=update_baseline, reports_dir=reports_dir)  # fmt: skip
    finally:
        configure_logging(settings.log_level, json=settings.log_json, cache=cache)


def _run(
    settings: Settings,
    cases: list[Any],
    *,
    backend: str,
    judge: bool,
    judge_url: str | None,
    update_baseline: bool,
    reports_dir: Path,
) -> dict[str, Any]:
    """Start throwaway servers, run the cases, report."""
    from cryptography.fernet import Fernet

    from service.classify.provider import gateway_from_settings
    from service.coaching.llm_writer import LLMTipWriter
    from service.guidelines.judge import Judge
    from service.guidelines.report import compare, summarise, write_baseline, write_reports
    from service.guidelines.runner import GuidelineRunner
    from service.knowledge.embedder import get_embedder
    from service.knowledge.ingest import ingest
    from service.lib.crypto import configure_cipher
    from service.lib.db import Database
    from service.lib.embedded import EmbeddedServices
    from service.lib.llm import LLMGateway
    from service.lib.llm_stats import CallLog, attempt_stats
    from service.lib.queue import connect_redis
    from service.persistence import migrate
    from workers.context import JobContext, install

    started = time.perf_counter()
    calls = CallLog()
    # A throwaway database and Redis: eval users and check-ins never mix with real data.
    with tempfile.TemporaryDirectory(prefix="attune-eval-") as tmp:
        err.print(f"[bold]starting[/] embedded Postgres and Redis for {len(cases)} cases…")
        services = EmbeddedServices(Path(tmp))
        db_url, redis_url = services.start(database_url=None, redis_url=None)
        db = redis = None
        try:
            migrate.upgrade(db_url)
            configure_cipher(Fernet.generate_key().decode())
            run_settings = settings.model_copy(
                update={
                    "database_url": db_url,
                    "redis_url": redis_url,
                    "data_dir": Path(tmp),
                    # --backend llm: classification as configured (local by default; set
                    # CLASSIFIER_BACKEND=llm to let the model read too); offline: no model
                    "classifier_backend": (
                        "local" if backend == "offline" else settings.classifier_backend
                    ),
                    "llm_base_url": settings.llm_base_url if backend == "llm" else None,
                }
            )
            db, redis = Database.connect(db_url, pool_size=3), connect_redis(redis_url)
            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            embedder = get_embedder(settings.embedding_model, base_url=settings.llm_base_url,
                                    api_key=key, dim=settings.embedding_dim)  # fmt: skip
            err.print("[bold]ingesting[/] the knowledge base…")
            with db.unit_of_work() as session:
                ingest(session, settings.knowledge_dir / "strategies", embedder)
            # Jobs run in this process (RQ SimpleWorker) and find their context here.
            ctx = install(JobContext(settings=run_settings, db=db, redis=redis, _embedder=embedder))
            gateway = gateway_from_settings(run_settings) if backend == "llm" else None
            if gateway is not None:
                gateway.calls = calls  # the report's model numbers (no content is kept)
            ctx._tip_writer = LLMTipWriter(gateway) if gateway else None
            rubric = None
            if judge and judge_url:
                key_ = settings.judge_api_key or settings.llm_api_key
                rubric = Judge(LLMGateway(judge_url, settings.judge_model or settings.llm_model,
                                          key_.get_secret_value() if key_ else None))  # fmt: skip
            runner = GuidelineRunner(ctx, backend, gateway, settings.knowledge_dir, rubric)
            with runner.open(), StepProgress("cases", len(cases), console=err) as progress:

                def advance(result: Any) -> None:
                    mark = "✓" if result.passed else "✗"
                    rules = sorted({f.rule for f in result.failures})
                    why = f" ({', '.join(rules)})" if rules else ""
                    hard = " HARD" if result.hard_failed else ""
                    note = f"{mark} {result.case.id}{why}{hard}"
                    progress.advance(passed=result.passed, note=note)

                results = runner.run(cases, advance)
        finally:
            if db is not None:
                db.dispose()
            if redis is not None:
                redis.close()
            services.stop()
    report = summarise(results, backend, time.perf_counter() - started)
    if backend == "llm":
        report["llm"] = {
            "model": settings.llm_model,
            "calls": calls.summary(),
            "attempts": attempt_stats(r.get("output", {}) for r in report["results"]),
        }
        err.print(f"model calls: {json.dumps(report['llm'])}", markup=False, highlight=False)
    json_path, html_path = write_reports(report, reports_dir)
    _print(report)
    if report.get("judge"):
        scores = ", ".join(f"{k} {v:.2f}" for k, v in report["judge"].items())
        click.echo(f"LLM-as-judge (1-5, not gating): {scores}")
    comparison = compare(report)
    if comparison is None:
        click.echo(f"no baseline for backend {backend!r} in evals/baseline.json")
    else:
        for g, (old, new) in comparison.rate_changes.items():
            click.echo(f"  {g}: {old * 100:.1f}% → {new * 100:.1f}%")
        click.echo(f"regressions against the baseline: {len(comparison.regressions)}")
        for case_id in comparison.regressions:
            click.echo(f"  - {case_id}")
        click.echo(f"improvements: {len(comparison.improvements)}")
        for case_id in comparison.improvements:
            click.echo(f"  + {case_id}")
        if comparison.new_cases:
            click.echo(f"new cases not in the baseline: {comparison.new_cases}")
    if update_baseline:
        write_baseline(report)
        click.echo("baseline updated: evals/baseline.json")
    click.echo(f"reports: {json_path} and {html_path}")
    if not report["hard_ok"]:
        for r in report["results"]:
            if r["hard_failed"]:
                for f in r["failures"]:
                    if f["rule"] in report["hard_rules"]:
                        click.echo(f"FAIL {r['id']} [{f['rule']}]: {f['message']}", err=True)
        raise click.ClickException(
            "hard rules broken (they must hold at 100 %) in: " + ", ".join(report["hard_failures"])
        )
    return report


def pick_cases(cases: list[Any], case_list: Path) -> list[Any]:
    """The cases named in ``case_list`` (one id a line, ``#`` comments), in the list's order."""
    wanted = [
        line.split("#", 1)[0].strip()
        for line in case_list.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    ]
    by_id = {c.id: c for c in cases}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise click.ClickException(f"{case_list}: unknown case ids {', '.join(unknown[:10])}")
    return [by_id[w] for w in dict.fromkeys(wanted)]


def _print(report: dict[str, Any]) -> None:
    table = Table(
        title=f"guidelines, backend {report['backend']} ({report['cases']} cases, {report['seconds']} s)"
    )
    # Other backends' last accepted rates, so that backends can be compared side by side.
    others = {b: v for b, v in _baseline().items() if b != report["backend"]}
    columns = ["guideline", "kind", "all checks", f"{report['backend']} rate", "hard rules held"]
    columns += [f"{b} (baseline)" for b in others]
    for column in columns:
        table.add_column(column, justify="left" if column in ("guideline", "kind") else "right")
    for g, s in report["by_guideline"].items():
        rate = f"{s['pass_rate'] * 100:.1f}%"
        held = f"{s['hard_rules_held']}/{s['total']}"
        style = "red" if s["hard_rules_held"] < s["total"] else None
        kind = "hard" if s["hard"] else "soft"
        extra = [_rate(v.get("by_guideline", {}).get(g)) for v in others.values()]
        table.add_row(g, kind, f"{s['passed']}/{s['total']}", rate, held, *extra, style=style)
    Console().print(table)
    counts = ", ".join(f"{k} {v}" for k, v in report["failures_by_rule"].items()) or "none"
    click.echo(f"cases failing each rule: {counts}")
    failed = [r for r in report["results"] if not r["passed"]]
    for r in failed[:30]:
        first = r["failures"][0] if r["failures"] else {"rule": "?", "message": r.get("error")}
        mark = "✗" if r["hard_failed"] else "~"
        click.echo(f"  {mark} {r['id']} [{first['rule']}] {first['message']}")
    if len(failed) > 30:
        click.echo(f"  … and {len(failed) - 30} more (see the HTML report)")


def _baseline() -> dict[str, Any]:
    from service.guidelines.report import BASELINE

    try:
        data = json.loads(BASELINE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"
