"""pgvector HNSW at scale: load and build time, recall@10 and latency per ef_search.

Run: `.venv/bin/python bench/hnsw_scale.py [--n 1000000]` (validate first with `--n 100000`).
Starts an embedded PostgreSQL 18 + pgvector in /tmp/bench-hnsw-*, loads N synthetic 384-d unit
vectors with binary COPY, builds an HNSW index (vector_cosine_ops, m=16, ef_construction=64),
then asks held-out queries at several hnsw.ef_search values. Ground truth is an exact numpy
top-10; the in-run latency baseline is the same SQL with the index disabled (an exact scan),
so speed-ups are ratios measured on the same machine in the same run. Writes
bench/results/hnsw_scale.json (hnsw_scale_n<N>.json for other sizes) and deletes its data.

Memory: the vectors (N x 384 float32, 1.5 GB at 1M) live in this process until the ground
truth is computed; the index build may use up to --maintenance-work-mem of shared memory.
Disk: about 4 GB at 1M (heap ~1.6 GB, index ~2 GB, WAL).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import machine_info as shared_machine_info  # noqa: E402 - bench/ is on sys.path

from service.lib.embedded import EmbeddedPostgres  # noqa: E402

F32 = npt.NDArray[np.float32]
DIM = 384
K = 10
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # flags, header extension
COPY_TRAILER = struct.pack(">h", -1)
KNN_SQL = "SELECT id FROM items ORDER BY embedding <=> %s::vector LIMIT 10"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- synthetic data -------------------------------------------------------------------------


class ClusteredUnitVectors:
    """Unit vectors around random cluster centres, shaped a little like sentence embeddings.

    Isotropic noise in 384 dimensions makes every point of a cluster almost equidistant from
    every other (a worst case no real embedding model produces). Real embeddings spread their
    variance over a few dozen directions, so the noise here has a power-law spectrum
    (std of dimension i ~ i^-1/2, about 26 effective dimensions) scaled to ``noise`` times the
    centre's length: at noise=1 a point sits at cosine ~0.7 from its centre.
    """

    def __init__(self, *, dim: int, clusters: int, noise: float, seed: int) -> None:
        self.dim = dim
        self.noise = noise
        self.seed = seed
        rng = np.random.default_rng([seed, 0])
        centres = rng.standard_normal((clusters, dim)).astype(np.float32)
        self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)
        spectrum = (np.arange(1, dim + 1, dtype=np.float64)) ** -0.5
        self.spectrum = (spectrum / np.linalg.norm(spectrum)).astype(np.float32)

    def draw(self, n: int, stream: int, chunk: int = 100_000) -> F32:
        """``n`` vectors from an independent random stream (1 = table, 2 = queries)."""
        rng = np.random.default_rng([self.seed, stream])
        out = np.empty((n, self.dim), dtype=np.float32)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            labels = rng.integers(0, len(self.centres), m)
            block = rng.standard_normal((m, self.dim), dtype=np.float32)
            block *= self.noise * self.spectrum
            block += self.centres[labels]
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            out[start : start + m] = block
        return out

    def effective_dimensions(self) -> float:
        var = self.spectrum.astype(np.float64) ** 2
        return float(var.sum() ** 2 / (var**2).sum())


def exact_top_k(data: F32, queries: F32, k: int = K, chunk: int = 100_000) -> npt.NDArray[Any]:
    """Row ids (0-based) of the k most cosine-similar rows per query, by brute force."""
    best_sim = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), k), dtype=np.int64)
    q_t = np.ascontiguousarray(queries.T)
    for start in range(0, len(data), chunk):
        sims = (data[start : start + chunk] @ q_t).T  # (queries, rows in chunk)
        kk = min(k, sims.shape[1])
        part = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        cand_ids = part + start
        cand_sim = np.take_along_axis(sims, part, axis=1)
        all_sim = np.concatenate([best_sim, cand_sim], axis=1)
        all_ids = np.concatenate([best_ids, cand_ids], axis=1)
        order = np.argsort(-all_sim, axis=1)[:, :k]
        best_sim = np.take_along_axis(all_sim, order, axis=1)
        best_ids = np.take_along_axis(all_ids, order, axis=1)
    return best_ids


# --- loading --------------------------------------------------------------------------------


def copy_rows(data: F32, first_id: int) -> bytes:
    """Rows (id bigint, embedding vector) in COPY BINARY tuple format, packed by numpy.

    pgvector's binary form is int16 dim, int16 unused, then dim big-endian float4.
    """
    row = np.dtype(
        [
            ("nfields", ">i2"),
            ("id_len", ">i4"),
            ("id", ">i8"),
            ("vec_len", ">i4"),
            ("dim", ">i2"),
            ("unused", ">i2"),
            ("values", ">f4", (data.shape[1],)),
        ]
    )
    rec = np.empty(len(data), dtype=row)
    rec["nfields"] = 2
    rec["id_len"] = 8
    rec["id"] = np.arange(first_id, first_id + len(data))
    rec["vec_len"] = 4 + 4 * data.shape[1]
    rec["dim"] = data.shape[1]
    rec["unused"] = 0
    rec["values"] = data
    return rec.tobytes()


def load(conn: psycopg.Connection[Any], data: F32, dim: int, batch: int = 10_000) -> float:
    """Create the table and COPY ``data`` into it (ids are 1-based row numbers); seconds."""
    conn.execute("DROP TABLE IF EXISTS items")
    conn.execute(f"CREATE TABLE items (id bigint NOT NULL, embedding vector({dim}) NOT NULL)")
    started = time.perf_counter()
    with (
        conn.cursor() as cur,
        cur.copy("COPY items (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy,
    ):
        copy.write(COPY_SIGNATURE)
        for start in range(0, len(data), batch):
            copy.write(copy_rows(data[start : start + batch], start + 1))
        copy.write(COPY_TRAILER)
    return time.perf_counter() - started


# --- querying -------------------------------------------------------------------------------


def vector_literal(v: F32) -> str:
    return "[" + ",".join(f"{x:.9g}" for x in v.tolist()) + "]"  # .9g round-trips float32


def run_queries(
    conn: psycopg.Connection[Any], literals: list[str]
) -> tuple[list[list[int]], list[float]]:
    ids, seconds = [], []
    with conn.cursor() as cur:
        for lit in literals:
            started = time.perf_counter()
            # prepare=False: a cached plan would survive the SET that disables the index.
            cur.execute(KNN_SQL, (lit,), prepare=False)
            rows = cur.fetchall()
            seconds.append(time.perf_counter() - started)
            ids.append([r[0] - 1 for r in rows])
    return ids, seconds


def recall(found: list[list[int]], truth: npt.NDArray[Any]) -> float:
    hits = sum(len(set(f) & set(t.tolist())) for f, t in zip(found, truth, strict=True))
    return hits / (K * len(found))


def plan_of(conn: psycopg.Connection[Any], literal: str) -> str:
    rows = conn.execute("EXPLAIN (COSTS OFF) " + KNN_SQL, (literal,), prepare=False).fetchall()
    plan = " / ".join(r[0].strip() for r in rows)
    return re.sub(r"'\[[^\]]*\]'::vector", "$1::vector", plan)  # the 384 floats add nothing


def latency(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms), max(1, round(0.99 * len(ms)))) - 1]  # nearest rank
    mean = statistics.fmean(ms)
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(p99, 3),
        "mean_ms": round(mean, 3),
        "queries_per_s": round(1000 / mean, 1),
        "samples": len(ms),
    }


# --- main -----------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    return shared_machine_info(numpy=np.__version__)


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so that `finally` stops Postgres and removes the data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="vectors in the table")
    parser.add_argument("--queries", type=int, default=200, help="held-out query vectors")
    parser.add_argument(
        "--exact-queries", type=int, default=20, help="queries for the exact-scan baseline"
    )
    parser.add_argument("--ef-search", default="40,64,100,200")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per ef_search")
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument(
        "--noise", type=float, default=1.0, help="noise length relative to a centre"
    )
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=64)
    parser.add_argument("--maintenance-work-mem", default="4GB")
    parser.add_argument("--workers", type=int, default=1, help="max_parallel_maintenance_workers")
    parser.add_argument("--target-recall", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    ef_values = [int(x) for x in args.ef_search.split(",")]
    out = args.out or ROOT / "bench" / "results" / (
        "hnsw_scale.json" if args.n == 1_000_000 else f"hnsw_scale_n{args.n}.json"
    )
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    machine = machine_info()

    gen = ClusteredUnitVectors(dim=DIM, clusters=args.clusters, noise=args.noise, seed=args.seed)
    started = time.perf_counter()
    data = gen.draw(args.n, stream=1)
    queries = gen.draw(args.queries, stream=2)
    log(f"generated {args.n} + {args.queries} vectors in {time.perf_counter() - started:.1f}s")

    data_dir = Path(tempfile.mkdtemp(prefix="bench-hnsw-", dir="/tmp"))
    postgres = EmbeddedPostgres(data_dir)
    result: dict[str, Any] = {}
    try:
        url = postgres.start().replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as conn:
            notices: list[str] = []
            conn.add_notice_handler(lambda d: notices.append(str(d.message_primary)))
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            server = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                for name in (
                    "server_version", "shared_buffers", "work_mem", "max_parallel_workers_per_gather",
                    "max_parallel_workers", "jit", "max_wal_size",
                )
            }  # fmt: skip
            server["pgvector"] = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()[0]  # type: ignore[index]

            log(f"loading {args.n} rows with COPY BINARY into {data_dir}")
            load_s = load(conn, data, DIM)
            log(f"loaded in {load_s:.1f}s; VACUUM ANALYZE")
            started = time.perf_counter()
            conn.execute("VACUUM (ANALYZE) items")
            vacuum_s = time.perf_counter() - started
            table_bytes = conn.execute("SELECT pg_table_size('items')").fetchone()[0]  # type: ignore[index]

            log("exact top-10 ground truth with numpy")
            started = time.perf_counter()
            truth = exact_top_k(data, queries)
            truth_s = time.perf_counter() - started
            # How separated the neighbours are (recorded so other data can be compared).
            sims = np.einsum("qkd,qd->qk", data[truth], queries)
            neighbour_cosine = {
                "top1_median": round(float(np.median(sims[:, 0])), 3),
                "top10_median": round(float(np.median(sims[:, -1])), 3),
            }
            del data  # the index build wants the memory more than we do

            log(
                f"building HNSW (m={args.m}, ef_construction={args.ef_construction}, "
                f"maintenance_work_mem={args.maintenance_work_mem}, workers={args.workers})"
            )
            conn.execute(
                "SELECT set_config('maintenance_work_mem', %s, false)", (args.maintenance_work_mem,)
            )
            conn.execute(
                "SELECT set_config('max_parallel_maintenance_workers', %s, false)",
                (str(args.workers),),
            )
            notices.clear()  # keep only what the build says (e.g. graph not fitting in memory)
            started = time.perf_counter()
            conn.execute(
                f"CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_cosine_ops) "
                f"WITH (m = {int(args.m)}, ef_construction = {int(args.ef_construction)})"
            )
            build_s = time.perf_counter() - started
            build_notices = list(notices)
            index_bytes = conn.execute(
                "SELECT pg_relation_size('items_embedding_hnsw')"
            ).fetchone()[0]  # type: ignore[index]
            log(f"built in {build_s:.1f}s; index {index_bytes / 2**30:.2f} GiB")
            conn.execute("RESET maintenance_work_mem")

            literals = [vector_literal(q) for q in queries]
            plans = {"hnsw": plan_of(conn, literals[0])}
            # Warm-up: bring the index into memory at the widest search before timing anything.
            conn.execute(f"SET hnsw.ef_search = {max(ef_values)}")
            run_queries(conn, literals)

            per_ef: dict[int, dict[str, Any]] = {}
            samples: dict[int, list[float]] = {ef: [] for ef in ef_values}
            for pass_no in range(args.repeat):
                for ef in ef_values:  # interleaved, so machine noise falls on every setting
                    conn.execute(f"SET hnsw.ef_search = {int(ef)}")
                    found, seconds = run_queries(conn, literals)
                    samples[ef].extend(seconds)
                    if pass_no == 0:
                        per_ef[ef] = {"recall_at_10": round(recall(found, truth), 4)}
                log(f"pass {pass_no + 1}/{args.repeat} over ef_search {ef_values} done")
            conn.execute("RESET hnsw.ef_search")

            log(f"exact-scan baseline over {args.exact_queries} queries (index scans off)")
            conn.execute("SET enable_indexscan = off")
            plans["exact"] = plan_of(conn, literals[0])
            exact_literals = literals[: args.exact_queries]
            run_queries(conn, exact_literals[:2])  # warm the heap into the page cache
            exact_found, exact_seconds = run_queries(conn, exact_literals)
            conn.execute("RESET enable_indexscan")
            exact = latency(exact_seconds)
            exact["recall_at_10_vs_numpy"] = round(
                recall(exact_found, truth[: args.exact_queries]), 4
            )
            if build_notices:
                log(f"index build notices: {build_notices}")

        for ef in ef_values:
            per_ef[ef].update(latency(samples[ef]))
            per_ef[ef]["speedup_vs_exact_p50"] = round(exact["p50_ms"] / per_ef[ef]["p50_ms"], 1)
        chosen = next(
            (ef for ef in ef_values if per_ef[ef]["recall_at_10"] >= args.target_recall), None
        )
        machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        result = {
            "command": "python bench/hnsw_scale.py " + " ".join(sys.argv[1:]),
            "machine": machine,
            "server": server,
            "data": {
                "n": args.n,
                "dim": DIM,
                "clusters": args.clusters,
                "noise": args.noise,
                "noise_effective_dimensions": round(gen.effective_dimensions(), 1),
                "seed": args.seed,
                "queries": args.queries,
                "query_neighbour_cosine": neighbour_cosine,
            },
            "index": {
                "m": args.m,
                "ef_construction": args.ef_construction,
                "opclass": "vector_cosine_ops",
            },
            "build_settings": {
                "maintenance_work_mem": args.maintenance_work_mem,
                "max_parallel_maintenance_workers": args.workers,
            },
            "seconds": {
                "copy_load": round(load_s, 1),
                "vacuum_analyze": round(vacuum_s, 1),
                "index_build": round(build_s, 1),
                "numpy_ground_truth": round(truth_s, 1),
            },
            "rows_per_s_loaded": round(args.n / load_s),
            "sizes_gib": {
                "table": round(table_bytes / 2**30, 3),
                "index": round(index_bytes / 2**30, 3),
            },
            "index_build_notices": build_notices,
            "plans": plans,
            "exact_scan_baseline": exact,
            "hnsw_by_ef_search": {str(ef): per_ef[ef] for ef in ef_values},
            "target_recall_at_10": args.target_recall,
            "chosen_ef_search": chosen,
        }
    finally:
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    s = result["seconds"]
    print(
        f"n={args.n}: COPY load {s['copy_load']}s ({result['rows_per_s_loaded']} rows/s), "
        f"HNSW build {s['index_build']}s, table {result['sizes_gib']['table']} GiB, "
        f"index {result['sizes_gib']['index']} GiB"
    )
    print(f"{'ef_search':<11}{'recall@10':>10}{'p50 ms':>9}{'p99 ms':>9}{'q/s':>8}{'x exact':>9}")
    for ef in ef_values:
        r = per_ef[ef]
        print(
            f"{ef:<11}{r['recall_at_10']:>10.4f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{r['queries_per_s']:>8.1f}{r['speedup_vs_exact_p50']:>9.1f}"
        )
    print(
        f"{'exact scan':<11}{exact['recall_at_10_vs_numpy']:>10.4f}{exact['p50_ms']:>9.2f}"
        f"{exact['p99_ms']:>9.2f}{exact['queries_per_s']:>8.1f}{1.0:>9.1f}"
    )
    if chosen is None:
        print(f"no ef_search in {ef_values} reaches recall@10 >= {args.target_recall}")
    else:
        print(f"smallest ef_search with recall@10 >= {args.target_recall}: {chosen}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
