# Attune: one image for the API, workers, scheduler and the one-shot migrator.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    KNOWLEDGE_DIR=/app/knowledge

# The CPU build of torch: the default wheel on PyPI for Linux is a multi-GB CUDA build.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --no-cache-dir "torch==2.13.0" --index-url "${TORCH_INDEX_URL}"

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY workers ./workers
COPY prompts ./prompts
COPY knowledge ./knowledge
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 attune
USER attune

EXPOSE 8000
CMD ["attune", "serve", "--host", "0.0.0.0", "--port", "8000"]
