"""The strategy knowledge base: cards on disk, their schema, embedding and ingestion."""
