"""Telling people what changed: Atom feeds per language and per saved search, an
optional webhook, and optional alerts through Apprise (email, Telegram, ntfy ...).

All come from what is stored, after every crawl run: the feeds from the newest
`item_events`, the messages from the events of every run not announced yet.
"""
from pmkz.notify.after_run import notify_after_run

__all__ = ["notify_after_run"]
