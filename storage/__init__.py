"""SQLite storage for pmkz: the schema, every write (through sqlite-utils) and exports.

    from pmkz.storage import Store
    with Store("data/pmkz.db") as store:
        store.save_item(record)   # 'new', 'changed' or 'unchanged'
"""
from .connect import StorageError
from .items import content_hash
from .store import Store

__all__ = ["Store", "StorageError", "content_hash"]
