"""`pmkz watch`: saved searches, each with its own Atom feed and webhook messages."""
from __future__ import annotations

from pathlib import Path

import click

from pmkz.commands._errors import CommandError, OneLineErrors
from pmkz.commands.export import db_option


@click.group(name="watch")
def command():
    """Saved searches: new, edited and removed items matching a search get their own
    Atom feed (feeds/watch-N.atom after each crawl; /-/feeds/watch-N.atom in pmkz serve)
    and their own messages (the webhook; PMKZ_NOTIFY's channels, or the search's own).

    \b
    Example:
      pmkz watch add "Аральское море" --lang ru
      pmkz watch list
      pmkz watch remove 1
      pmkz watch import watches.toml     # [[watch]] query = "..." lang = "ru"
      pmkz watch list --toml > watches.toml
    """


@command.command(cls=OneLineErrors, name="add")
@click.argument("query")
@click.option("--lang", metavar="L", help="Only items in this language: ru, kk or en.")
@click.option("--notify", "notify", metavar="URL", multiple=True,
              help="Send its messages to this Apprise URL (mailto://, tgram://, ntfy://...) instead of"
                   " PMKZ_NOTIFY's; repeat for more.")
@click.option("--significance", metavar="CLASS",
              help="The least edit its messages tell: cosmetic (every edit), wording or substantive;"
                   " default every edit but cosmetic ones unless PMKZ_NOTIFY_COSMETIC=1.")
@db_option
def add(query, lang, notify, significance, db):
    """Save a search as the search box takes it: any word form, "phrases", prefix*, OR, NOT.

    \b
    Example:
      pmkz watch add "Аральское море" --lang ru --notify "ntfys://ntfy.sh/my-aral-topic"
    """
    from pmkz.config import notify_urls
    from pmkz.storage import StorageError, Store, watches
    from pmkz.storage.connect import open_for_reading
    from pmkz.storage.store import utc_stamp

    try:
        channels = " ".join(notify_urls(list(notify), "--notify"))
        open_for_reading(db).close()  # a watch belongs to an archive: never create one
        with Store(db) as store:
            watch = watches.add(store.db, query, lang, utc_stamp(), notify=channels or None,
                                significance=significance)
    except (ValueError, StorageError) as error:
        raise CommandError("watch add", str(error)) from None
    click.echo(f"watch {watch['id']}: {_describe(watch)}  feed: /-/feeds/watch-{watch['id']}.atom")


@command.command(cls=OneLineErrors, name="import")
@click.argument("toml_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--remove-others", is_flag=True,
              help="Also forget the saved searches the file does not list: the file is the whole list.")
@db_option
def import_(toml_file, remove_others, db):
    """Save the searches of a TOML list, each a [[watch]] table with query = "..." and an
    optional lang = "ru"; those saved already are kept. Nothing is saved when any entry
    is wrong."""
    from pmkz.storage import StorageError, Store, watches
    from pmkz.storage.connect import open_for_reading
    from pmkz.storage.store import utc_stamp

    try:
        wanted = watches.read_list(toml_file)
        open_for_reading(db).close()
        with Store(db) as store:
            result = watches.import_list(store.db, wanted, remove_others=remove_others, now=utc_stamp())
    except (ValueError, StorageError) as error:
        raise CommandError("watch import", str(error)) from None
    for name in ("added", "removed"):
        for watch in result[name]:
            click.echo(f"{name} watch {watch['id']}: {_describe(watch)}")
    click.echo(f"{len(result['added'])} added, {len(result['kept'])} already saved, {len(result['removed'])} removed")


@command.command(cls=OneLineErrors, name="list")
@click.option("--toml", "as_toml", is_flag=True, help="As a TOML list that pmkz watch import reads.")
@db_option
def list_(as_toml, db):
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
    if as_toml:
        from pmkz.storage.watches import as_toml as toml_list

        click.echo(toml_list(watches), nl=False)
        return
    if not watches:
        click.echo('no saved searches; add one with: pmkz watch add "WORDS" [--lang ru]')
    for watch in watches:
        click.echo(f"{watch['id']}\t{_describe(watch)}\t/-/feeds/watch-{watch['id']}.atom{_not_run(watch)}")


@command.command(cls=OneLineErrors, name="remove")
@click.argument("watch_id", type=int)
@db_option
def remove(watch_id, db):
    """Forget a saved search (its items stay in the archive)."""
    from pmkz.storage import StorageError, Store, watches
    from pmkz.storage.connect import open_for_reading

    try:
        open_for_reading(db).close()
        with Store(db) as store:
            removed = watches.remove(store.db, watch_id)
    except StorageError as error:
        raise CommandError("watch remove", str(error)) from None
    if not removed:
        raise CommandError("watch remove", f"no saved search {watch_id}; see pmkz watch list")
    click.echo(f"watch {watch_id} removed")


def _not_run(watch: dict) -> str:
    """Why a saved search (stored by an older pmkz) is skipped after each crawl, or ''."""
    from pmkz.storage.watches import check

    try:
        check(watch["query"], watch["lang"])
    except ValueError as error:
        return f"\tnot run: {error}; remove it and save a shorter search"
    return ""


def _describe(watch: dict) -> str:
    """Its words, language and channels (their schemes only: the URLs hold credentials)."""
    described = f"«{watch['query']}»" + (f" ({watch['lang']})" if watch.get("lang") else " (all languages)")
    if watch.get("significance"):
        described += f" edits from {watch['significance']} up"
    if watch.get("notify"):
        described += " to " + ", ".join(url.split("://")[0] + "://..." for url in watch["notify"].split())
    return described
