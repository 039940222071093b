# Attune: one image for the API, workers, scheduler and the one-shot migrator.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KNOWLEDGE_DIR=/app/knowledge

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
