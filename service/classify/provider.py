"""Which classifier a process uses, built once from settings (the model takes seconds to load)."""

from __future__ import annotations

import threading

from service.classify.classifier import Classifier, LocalClassifier, RulesClassifier
from service.classify.local_model import LocalModel
from service.knowledge.embedder import Embedder
from service.settings import Settings

_lock = threading.Lock()
_models: dict[str, LocalModel] = {}


def local_model() -> LocalModel:
    """The shipped model artefact (``service/classify/artifacts/``), loaded once."""
    with _lock:
        if "default" not in _models:
            _models["default"] = LocalModel.load()
        return _models["default"]


def local_classifier(embedder: Embedder) -> Classifier:
    return LocalClassifier(local_model(), embedder)


def build_classifier(settings: Settings, embedder: Embedder) -> Classifier:
    """The configured backend."""
    backend = settings.classifier_backend
    if backend == "rules":
        return RulesClassifier()
    return local_classifier(embedder)
