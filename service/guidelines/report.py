"""Guideline eval reports: a summary per guideline, JSON, a self-contained HTML page, and a
comparison with the committed baseline (``evals/baseline.json``)."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.guidelines.assertions import HARD_RULES
from service.guidelines.cases import HARD, Guideline
from service.guidelines.judge import averages
from service.guidelines.runner import CaseResult

BASELINE = Path(__file__).resolve().parents[2] / "evals" / "baseline.json"


def summarise(results: list[CaseResult], backend: str, seconds: float) -> dict[str, Any]:
    by: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[r.case.guideline.value].append(r)
    for g in Guideline:
        rows = groups.get(g.value, [])
        if not rows:
            continue
        passed = sum(r.passed for r in rows)
        by[g.value] = {
            "hard": g in HARD,
            "passed": passed,
            "total": len(rows),
            "pass_rate": round(passed / len(rows), 4),
            "hard_rules_held": sum(not r.hard_failed for r in rows),
        }
    # The gate: no case, of any guideline, may break a hard rule.
    hard_failures = [r.case.id for r in results if r.hard_failed]
    by_rule: dict[str, int] = defaultdict(int)
    for r in results:
        for rule in {f.rule for f in r.failures}:
            by_rule[rule] += 1
    judged = [r.output["judge"] for r in results if "judge" in r.output]
    return {
        "judge": averages(judged) if judged else None,
        "backend": backend,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "hard_ok": not hard_failures,
        "hard_failures": hard_failures,
        "hard_rules": sorted(HARD_RULES),
        "failures_by_rule": dict(sorted(by_rule.items())),
        "by_guideline": by,
        "results": [r.as_dict() for r in results],
    }


@dataclass(frozen=True)
class Comparison:
    regressions: list[str]  # case ids that passed in the baseline and fail now
    improvements: list[str]  # case ids that failed in the baseline and pass now
    rate_changes: dict[str, tuple[float, float]]  # guideline -> (baseline, now)
    new_cases: int


def compare(report: dict[str, Any], baseline_path: Path = BASELINE) -> Comparison | None:
    """Changes against the committed baseline for the same backend (None if it has none)."""
    if not baseline_path.is_file():
        return None
    baseline = json.loads(baseline_path.read_text(encoding="utf-8")).get(report["backend"])
    if not baseline:
        return None
    before: dict[str, bool] = baseline.get("cases", {})
    now = {r["id"]: r["passed"] for r in report["results"]}
    regressions = sorted(c for c, ok in now.items() if not ok and before.get(c) is True)
    improvements = sorted(c for c, ok in now.items() if ok and before.get(c) is False)
    rates = {}
    for g, s in report["by_guideline"].items():
        old = baseline.get("by_guideline", {}).get(g)
        if old is not None and abs(old - s["pass_rate"]) > 1e-9:
            rates[g] = (old, s["pass_rate"])
    return Comparison(regressions, improvements, rates, sum(c not in before for c in now))


def baseline_entry(report: dict[str, Any]) -> dict[str, Any]:
    """What ``--update-baseline`` stores for this backend: rates and per-case outcomes only."""
    return {
        "updated_at": report["created_at"],
        "cases_total": report["cases"],
        "by_guideline": {g: s["pass_rate"] for g, s in report["by_guideline"].items()},
        "cases": {r["id"]: r["passed"] for r in report["results"]},
    }


def write_baseline(report: dict[str, Any], path: Path = BASELINE) -> None:
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[report["backend"]] = baseline_entry(report)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_reports(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"guidelines-{report['backend']}"
    json_path = directory / f"{stem}.json"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    html_path = directory / f"{stem}.html"
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def render_html(report: dict[str, Any]) -> str:
    """One self-contained page: summary, then a filterable table of every case."""
    summary_rows = "".join(
        f"<tr><td>{html.escape(g)}</td><td>{'hard' if s['hard'] else 'soft'}</td>"
        f"<td>{s['passed']}/{s['total']}</td><td>{s['pass_rate'] * 100:.1f}%</td>"
        f"<td>{s['hard_rules_held']}/{s['total']}</td></tr>"
        for g, s in report["by_guideline"].items()
    )
    case_rows = "".join(_case_row(r) for r in report["results"])
    options = "".join(f"<option>{html.escape(g)}</option>" for g in report["by_guideline"])
    title = f"Attune guideline eval — {report['backend']} — {report['created_at']}"
    return _PAGE.format(
        title=html.escape(title),
        passed=report["passed"],
        cases=report["cases"],
        hard="every hard rule held in every case" if report["hard_ok"] else "HARD RULES BROKEN",
        hard_rules=html.escape(", ".join(report["hard_rules"])),
        by_rule=html.escape(
            ", ".join(f"{k} {v}" for k, v in report["failures_by_rule"].items()) or "none"
        ),
        hard_class="ok" if report["hard_ok"] else "fail",
        summary_rows=summary_rows,
        case_rows=case_rows,
        options=options,
    )


def _case_row(r: dict[str, Any]) -> str:
    status = "pass" if r["passed"] else ("fail" if r["hard_failed"] else "soft-fail")
    failures = "".join(
        f"<li><b>{html.escape(f['rule'])}</b>: {html.escape(f['message'])}</li>"
        for f in r["failures"]
    )
    details = (
        f"<details><summary>input / output</summary><h4>input</h4><pre>"
        f"{html.escape(json.dumps(r['input'], indent=2, ensure_ascii=False))}</pre><h4>output</h4><pre>"
        f"{html.escape(json.dumps(r['output'], indent=2, ensure_ascii=False))}</pre></details>"
    )
    return (
        f'<tr class="{status}" data-guideline="{html.escape(r["guideline"])}" data-status="{status}">'
        f"<td>{html.escape(r['id'])}</td><td>{html.escape(r['guideline'])}</td>"
        f"<td>{'hard' if r['hard'] else 'soft'}</td><td class='st'>{status}</td>"
        f"<td>{html.escape(r['description'])}<ul>{failures}</ul>{details}</td></tr>"
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;margin:1em 0;width:100%}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}}
tr.fail .st,.fail{{color:#b00020;font-weight:bold}} tr.soft-fail .st{{color:#b26a00}} tr.pass .st,.ok{{color:#1b5e20;font-weight:bold}}
pre{{background:#f6f6f6;padding:8px;white-space:pre-wrap;max-width:100ch}}
#summary{{width:auto}}
</style></head><body>
<h1>{title}</h1>
<p>{passed} of {cases} cases passed every check — <span class="{hard_class}">{hard}</span>.
Hard rules ({hard_rules}) must always hold; the others (over-escalation, calibration, the soft
guidelines) are measured.</p>
<p>Failures by rule: {by_rule}</p>
<table id="summary"><tr><th>guideline</th><th>kind</th><th>every check passed</th><th>rate</th>
<th>hard rules held</th></tr>
{summary_rows}</table>
<p><label>search <input id="q" placeholder="id, text, rule…"></label>
<label>guideline <select id="g"><option value="">all</option>{options}</select></label>
<label>status <select id="s"><option value="">all</option><option>pass</option>
<option>soft-fail</option><option>fail</option></select></label> <span id="n"></span></p>
<table id="cases"><thead><tr><th>case</th><th>guideline</th><th>kind</th><th>status</th>
<th>description, failures, input and output</th></tr></thead><tbody>
{case_rows}</tbody></table>
<script>
const q=document.getElementById('q'),g=document.getElementById('g'),s=document.getElementById('s');
function filter(){{let n=0;for(const tr of document.querySelectorAll('#cases tbody tr')){{
const show=(!g.value||tr.dataset.guideline===g.value)&&(!s.value||tr.dataset.status===s.value)
&&(!q.value||tr.textContent.toLowerCase().includes(q.value.toLowerCase()));
tr.style.display=show?'':'none';if(show)n++;}}
document.getElementById('n').textContent=n+' shown';}}
for(const el of [q,g,s])el.addEventListener('input',filter);filter();
</script></body></html>
"""
