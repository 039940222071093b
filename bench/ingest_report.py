"""Summaries, acceptance verdict, table and plot of the ingestion benchmark (bench/ingest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Target = Literal["floor", "attune"]
TARGETS: tuple[Target, Target] = ("floor", "attune")
MIN_RATIO = 0.6  # acceptance: Attune keeps at least this share of the floor's requests/s
MAX_P99_MS = 50.0  # acceptance: Attune's p99 at 32 connections


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    status_errors: int  # responses with status > 399
    socket_errors: int  # connect, read, write, timeout

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


@dataclass(frozen=True)
class Measurement:
    target: Target
    round: int
    run: WrkRun
    rows_added: int  # checkins rows written by warm-up and timed run together
    outbox_added: int
    accepted: int  # responses below 400 in warm-up and timed run together
    server_workers: int
    # CPU time per timed request (all processes of the server; all of Postgres): unlike req/s,
    # barely moved by other work on the machine.
    server_cpu_ms_per_request: float
    postgres_cpu_ms_per_request: float


def aggregate(ms: list[Measurement]) -> dict[str, Any]:
    """Pooled req/s over all rounds, mean p50, worst p99 (a round's p99 is what a user met)."""
    requests = sum(m.run.requests for m in ms)
    seconds = sum(m.run.seconds for m in ms)
    return {
        "requests_per_s": round(requests / seconds, 1),
        "p50_ms": round(sum(m.run.p50_ms for m in ms) / len(ms), 2),
        "p99_ms": round(max(m.run.p99_ms for m in ms), 2),
        "errors": sum(m.run.errors for m in ms),
        "server_cpu_ms_per_request": round(
            sum(m.server_cpu_ms_per_request * m.run.requests for m in ms) / requests, 3
        ),
        "postgres_cpu_ms_per_request": round(
            sum(m.postgres_cpu_ms_per_request * m.run.requests for m in ms) / requests, 3
        ),
        "requests": requests,
        "rounds": len(ms),
    }


def row_check(m: Measurement, connections: int, wrk_runs: int) -> dict[str, Any]:
    """Every accepted request left one row. A request still in flight when wrk stops is not
    counted by wrk but may be written: up to one per connection and wrk run. Attune also writes
    exactly one outbox event per check-in."""
    extra = m.rows_added - m.accepted
    ok = 0 <= extra <= connections * wrk_runs and (
        m.target == "floor" or m.outbox_added == m.rows_added
    )
    return {
        "target": m.target,
        "round": m.round,
        "accepted": m.accepted,
        "rows_added": m.rows_added,
        "outbox_added": m.outbox_added,
        "rows_for_requests_in_flight_at_stop": extra,
        "in_flight_bound": connections * wrk_runs,
        "ok": ok,
    }


def paired_ratios(ms: list[Measurement]) -> list[float]:
    """Attune / floor req/s within each round (neighbours in time share the machine's load)."""
    by_round: dict[int, dict[str, float]] = {}
    for m in ms:
        by_round.setdefault(m.round, {})[m.target] = m.run.requests_per_s
    return [round(r["attune"] / r["floor"], 3) for _, r in sorted(by_round.items())]


def verdict(attune: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    ratio = attune["requests_per_s"] / floor["requests_per_s"]
    checks = {
        f"requests_per_s >= {MIN_RATIO} x floor": ratio >= MIN_RATIO,
        f"p99 <= {MAX_P99_MS:.0f} ms": attune["p99_ms"] <= MAX_P99_MS,
        "0 errors": attune["errors"] == 0,
    }
    return {"requests_per_s_ratio": round(ratio, 3), "checks": checks, "pass": all(checks.values())}


def build_summary(ms: list[Measurement], connections: int, wrk_runs: int) -> dict[str, Any]:
    """Per-target summaries, Attune / floor ratios, the verdict and the row checks."""
    summary = {t: aggregate([m for m in ms if m.target == t]) for t in TARGETS}
    return {
        "summary": summary,
        "verdict": verdict(summary["attune"], summary["floor"]),
        "requests_per_s_ratio_by_round": paired_ratios(ms),
        "row_checks": [row_check(m, connections, wrk_runs) for m in ms],
    }


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = TARGETS
    colors = {"floor": "#9aa5b1", "attune": "#2f6f9f"}
    summary, per_round = result["summary"], result["measurements"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    left.bar(
        targets, [summary[t]["requests_per_s"] for t in targets], color=[colors[t] for t in targets]
    )
    for i, t in enumerate(targets):
        rps = [m["run"]["requests_per_s"] for m in per_round if m["target"] == t]
        left.scatter([i] * len(rps), rps, color="black", s=12, zorder=3)
    floor_rps = summary["floor"]["requests_per_s"]
    left.axhline(
        MIN_RATIO * floor_rps, color="#c0392b", ls="--", lw=1, label=f"{MIN_RATIO} x floor"
    )
    left.set_title(f"requests/s ({result['options']['connections']} connections; dots: rounds)")
    left.legend(loc="upper right", fontsize=8)
    width = 0.38
    for j, t in enumerate(targets):
        xs = [k + (j - 0.5) * width for k in range(2)]
        values = [summary[t]["p50_ms"], summary[t]["p99_ms"]]
        right.bar(xs, values, width, label=t, color=colors[t])
    right.axhline(
        MAX_P99_MS, color="#c0392b", ls="--", lw=1, label=f"p99 target {MAX_P99_MS:.0f} ms"
    )
    right.set_xticks([0, 1], ["p50 (mean of rounds)", "p99 (worst round)"])
    right.set_ylabel("ms")
    right.set_title("latency")
    right.legend(fontsize=8)
    ratio = result["verdict"]["requests_per_s_ratio"]
    fig.suptitle(
        f"POST /v1/checkins: Attune = {ratio:.2f} x the floor's requests/s"
        f" (floor: bare Litestar + asyncpg INSERT)\nAttune {result['attune_version']}",
        fontsize=11,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_report(result: dict[str, Any]) -> None:
    summary, v = result["summary"], result["verdict"]
    print(
        f"{'target':<8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'requests':>10}"
        f"{'app CPU ms/req':>16}{'pg CPU ms/req':>15}"
    )
    for t in TARGETS:
        s = summary[t]
        print(
            f"{t:<8}{s['requests_per_s']:>10.1f}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
            f"{s['errors']:>8}{s['requests']:>10}{s['server_cpu_ms_per_request']:>16.2f}"
            f"{s['postgres_cpu_ms_per_request']:>15.2f}"
        )
    attune, floor = summary["attune"], summary["floor"]
    print(
        f"attune / floor: req/s {v['requests_per_s_ratio']:.2f}x, "
        f"p50 {attune['p50_ms'] / floor['p50_ms']:.2f}x, "
        f"p99 {attune['p99_ms'] / floor['p99_ms']:.2f}x; req/s by round: "
        f"{', '.join(f'{r:.2f}' for r in result['requests_per_s_ratio_by_round'])}"
    )
    rows_ok = all(c["ok"] for c in result["row_checks"])
    print(
        f"rows: every accepted request left one check-in (and Attune one outbox event): "
        f"{'yes' if rows_ok else 'NO, see row_checks in the JSON'}"
    )
    for name, ok in v["checks"].items():
        print(f"  {'PASS' if ok else 'FAIL'}  attune {name}")
    print(f"acceptance: {'PASS' if v['pass'] else 'FAIL'}")
    print(
        f"ingest: attune {attune['requests_per_s']:.0f} req/s = {v['requests_per_s_ratio']:.2f} x"
        f" floor ({floor['requests_per_s']:.0f} req/s); p99 attune {attune['p99_ms']:.1f} ms,"
        f" floor {floor['p99_ms']:.1f} ms; errors {attune['errors'] + floor['errors']}"
    )
