"""Item pipelines: images to disk first, then the record to SQLite."""
