"""Which classifier a process uses, built once from settings (the model takes seconds to load)."""

from __future__ import annotations

import threading

from service.classify.classifier import Classifier, LocalClassifier, RulesClassifier
from service.classify.combined import LLMBackedClassifier
from service.classify.llm_backend import LLMClassifier
from service.classify.local_model import LocalModel
from service.knowledge.embedder import LOCAL_ENCODERS, Embedder, get_embedder
from service.lib.llm import LLMGateway
from service.settings import Settings

_lock = threading.Lock()
_models: dict[str, LocalModel] = {}
_gateways: dict[tuple[str, str], LLMGateway] = {}


def local_model() -> LocalModel:
    """The shipped model artefact (``service/classify/artifacts/``), loaded once."""
    with _lock:
        if "default" not in _models:
            _models["default"] = LocalModel.load()
        return _models["default"]


def classifier_embedder(model: LocalModel, fallback: Embedder) -> Embedder:
    """The encoder the model was trained on (it may differ from the knowledge base's)."""
    spec = str(model.metadata.get("embedding_model", ""))
    if spec == fallback.model_id or spec not in LOCAL_ENCODERS:
        return fallback
    return get_embedder(spec)


def local_classifier(embedder: Embedder) -> LocalClassifier:
    model = local_model()
    return LocalClassifier(model, classifier_embedder(model, embedder))


def build_classifier(settings: Settings, embedder: Embedder) -> Classifier:
    """The configured backend."""
    backend = settings.classifier_backend
    if backend == "rules":
        return RulesClassifier()
    local = local_classifier(embedder)
    if backend == "llm" or (backend == "auto" and settings.llm_base_url):
        if not settings.llm_base_url:
            raise ValueError("the llm classifier backend needs LLM_BASE_URL")
        return LLMBackedClassifier(LLMClassifier(gateway_from_settings(settings)), local)
    return local


def gateway_from_settings(settings: Settings) -> LLMGateway:
    """The process's gateway to the OpenAI-compatible endpoint (one breaker per process)."""
    assert settings.llm_base_url is not None
    key = (settings.llm_base_url, settings.llm_model)
    with _lock:
        if key not in _gateways:
            _gateways[key] = LLMGateway(
                settings.llm_base_url,
                settings.llm_model,
                settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
                timeout=settings.llm_timeout_seconds,
                max_retries=settings.llm_max_retries,
                context_tokens=settings.llm_context_tokens,
                max_output_tokens=settings.llm_max_output_tokens,
            )
        return _gateways[key]
