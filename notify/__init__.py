"""Telling people what changed: Atom feeds per language and per saved search, and an
optional webhook.

Both come from what is stored, after every crawl run: the feeds from the newest
`item_events`, the webhook messages from the events of every run not announced yet.
"""
from pmkz.notify.after_run import notify_after_run

__all__ = ["notify_after_run"]
