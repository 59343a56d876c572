"""`pmkz watch`: saved searches, each with its own Atom feed and webhook messages."""
from __future__ import annotations

import click

from pmkz.commands._errors import CommandError, OneLineErrors
from pmkz.commands.export import db_option


@click.group(name="watch")
def command():
    """Saved searches: new, edited and removed items matching a search get their own
    Atom feed (feeds/watch-N.atom after each crawl; /-/feeds/watch-N.atom in pmkz serve)
    and their own webhook messages.

    \b
    Example:
      pmkz watch add "Аральское море" --lang ru
      pmkz watch list
      pmkz watch remove 1
    """


@command.command(cls=OneLineErrors, name="add")
@click.argument("query")
@click.option("--lang", metavar="L", help="Only items in this language: ru, kk or en.")
@db_option
def add(query, lang, db):
    """Save a search as the search box takes it: any word form, "phrases", prefix*, OR, NOT."""
    from pmkz.storage import StorageError, Store

    from pmkz.storage.connect import open_for_reading

    try:
        open_for_reading(db).close()  # a watch belongs to an archive: never create one
        with Store(db) as store:
            watch = store.add_watch(query, lang)
    except (ValueError, StorageError) as error:
        raise CommandError("watch add", str(error)) from None
    click.echo(f"watch {watch['id']}: {_describe(watch)}  feed: /-/feeds/watch-{watch['id']}.atom")


@command.command(cls=OneLineErrors, name="list")
@db_option
def list_(db):
    """The saved searches, one a line: id, search, language, feed."""
    from pmkz.storage import StorageError
    from pmkz.storage.connect import open_for_reading
    from pmkz.storage.watches import all_watches

    try:
        reader = open_for_reading(db)
        try:
            watches = all_watches(reader)
        finally:
            reader.close()
    except StorageError as error:
        raise CommandError("watch list", str(error)) from None
    if not watches:
        click.echo('no saved searches; add one with: pmkz watch add "WORDS" [--lang ru]')
    for watch in watches:
        click.echo(f"{watch['id']}\t{_describe(watch)}\t/-/feeds/watch-{watch['id']}.atom")


@command.command(cls=OneLineErrors, name="remove")
@click.argument("watch_id", type=int)
@db_option
def remove(watch_id, db):
    """Forget a saved search (its items stay in the archive)."""
    from pmkz.storage import StorageError, Store

    from pmkz.storage.connect import open_for_reading

    try:
        open_for_reading(db).close()
        with Store(db) as store:
            removed = store.remove_watch(watch_id)
    except StorageError as error:
        raise CommandError("watch remove", str(error)) from None
    if not removed:
        raise CommandError("watch remove", f"no saved search {watch_id}; see pmkz watch list")
    click.echo(f"watch {watch_id} removed")


def _describe(watch: dict) -> str:
    return f"«{watch['query']}»" + (f" ({watch['lang']})" if watch.get("lang") else " (all languages)")
