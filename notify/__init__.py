"""Telling people what changed: an Atom feed per language, and an optional webhook.

Both are written after every crawl run from the `item_events` the run recorded.
"""
from pmkz.notify.after_run import notify_after_run

__all__ = ["notify_after_run"]
