"""`pmkz serve`: Datasette on the archive, with the project's configuration (browse/)."""
from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import click

from pmkz.commands._errors import OneLineErrors


@click.command(cls=OneLineErrors, name="serve")
@click.option("--db", "db_path", envvar="PMKZ_DB", default="data/pmkz.db", show_default=True,
              type=click.Path(path_type=Path), help="SQLite database to browse.")
@click.option("--images-dir", envvar="PMKZ_IMAGES_DIR", type=click.Path(path_type=Path),
              help="Where the crawler keeps image copies; pages show them from here"
                   " (default: beside the database, <name>-images/ or images/).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--public", is_flag=True,
              help="For readers you do not know: no arbitrary SQL (canned queries and search"
                   " stay), no filesystem paths in /-/*.json, a 1 s SQL time limit, internal"
                   " tables hidden.")
def command(db_path, images_dir, host, port, public):
    """Browse and search the archive in Datasette until stopped (Ctrl-C).

    The first line on stdout is the server's URL. Safe while a crawl writes: the
    database is opened read-only, never in immutable mode.

    \b
    Example:
      pmkz serve --db data/demo.db --port 8001     # images from data/demo-images/
      pmkz serve --public --host 0.0.0.0
    """
    from pmkz.browse.app import build_datasette
    from pmkz.storage import StorageError
    from pmkz.storage.connect import open_for_reading

    try:
        _update_search_index(db_path, open_for_reading)
        ds = build_datasette(db_path, images_dir, public=public)
    except (StorageError, ValueError) as error:
        fail(str(error))
    try:
        sock = listen(host, port)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    run(ds, sock)


def _update_search_index(db_path: Path, open_for_reading) -> None:
    """An archive last written by an older pmkz has no search index, or one in an older
    layout, until its next crawl: make it now where the file may be written (seconds for
    100,000 items), else say that search will not work."""
    from pmkz.storage import Store, diffs
    from pmkz.storage.connect import writable
    from pmkz.storage.search import index_is_current

    reader = open_for_reading(db_path)
    try:
        # The edits' stored changes too, which "changed this week" reads.
        current = index_is_current(reader) and diffs.all_stored(reader)
    finally:
        reader.close()
    if current:
        return
    if not writable(db_path):
        click.echo(f"pmkz serve: warning: {db_path} is read-only and its search index is out of date;"
                   " the search box needs a crawl (or pmkz serve) on a writable copy first", err=True)
        return
    click.echo(f"pmkz serve: updating the search index of {db_path} (once, after an upgrade)", err=True)
    with Store(db_path):
        pass


def fail(message: str) -> None:
    click.echo(f"pmkz serve: error: {message}", err=True)
    sys.exit(1)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, so that port 0 resolves to a real port before the URL is
    printed, and a client that reads the URL can connect at once (the backlog holds it
    until the server accepts)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def run(ds, sock: socket.socket) -> None:
    import uvicorn

    asyncio.run(ds.invoke_startup())
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"http://{shown}:{port}/")
    sys.stdout.flush()
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
