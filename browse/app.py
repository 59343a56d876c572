"""The Datasette instance that `pmkz serve` runs, built from the files in browse/.

The archive is always attached under the name `pmkz`, whatever its file is called, so
that every URL a reader bookmarks (`/pmkz/items?...`) stays the same for data/pmkz.db and
data/demo.db. The pmkz plugin (browse/plugins, installed as a Datasette plugin) brings
the templates, static files and, for plain `datasette`, the metadata.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pmkz.storage.connect import writable

if TYPE_CHECKING:
    from datasette.app import Datasette

BROWSE_DIR = Path(__file__).parent
DATABASE_NAME = "pmkz"
PLUGIN_NAME = "pmkz"
METADATA_FILE = BROWSE_DIR / "metadata.yaml"
SETTINGS_FILE = BROWSE_DIR / "settings.json"
# Datasette 0.65 puts the path unquoted into an SQLite URI (`file:PATH?mode=ro`), where
# these characters would silently open (or create) another file.
URI_UNSAFE = "?#%"


def load_metadata(images_dir: Path | None = None) -> dict:
    """metadata.yaml, with the images dir the plugin serves copies from."""
    metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    if images_dir is not None:
        plugins = metadata.setdefault("plugins", {})
        plugins.setdefault(PLUGIN_NAME, {})["images_dir"] = str(Path(images_dir).resolve())
    return metadata


def load_settings() -> dict:
    return json.loads(SETTINGS_FILE.read_text(encoding="utf-8"))


def images_dir_beside(db_path: Path) -> Path:
    """Where the images of the archive at `db_path` are when no one says: beside it,
    `<name>-images/` (data/demo.db: data/demo-images, as `make demo` crawls) or
    `images/` (data/pmkz.db: data/images, the crawl's default), else the crawl's default
    (PMKZ_IMAGES_DIR's fallback, for an archive crawled elsewhere without --images-dir)."""
    db_path = Path(db_path)
    for candidate in (db_path.with_name(f"{db_path.stem}-images"), db_path.with_name("images")):
        if candidate.is_dir():
            return candidate
    return Path("data/images")


def build_datasette(db_path: Path, images_dir: Path | None, public: bool = False) -> Datasette:
    """Datasette on the archive at `db_path` (which must exist), read-only and mutable.

    `images_dir` None: the one beside the database (`images_dir_beside`). `public`: the
    restrictions of browse/public.py (no arbitrary SQL, internal tables hidden, ...).

    Mutable, never immutable: the crawler keeps writing while people read (WAL), and an
    immutable connection would neither see new rows nor be safe against them.
    Raises ValueError for a path Datasette cannot open.
    """
    # Imported here: loading Datasette loads its plugins, pmkz's among them, which import
    # this module's names.
    from datasette.app import Datasette
    from datasette.database import Database

    from . import databases

    path = Path(db_path).resolve()
    if any(char in str(path) for char in URI_UNSAFE):
        raise ValueError(f"Datasette cannot open a path containing any of {URI_UNSAFE}: {path}")
    metadata, settings = load_metadata(images_dir or images_dir_beside(path)), load_settings()
    if public:
        from . import public as public_mode

        metadata = public_mode.public_metadata(metadata, DATABASE_NAME)
        metadata["plugins"][PLUGIN_NAME]["public"] = True
        settings = public_mode.public_settings(settings)
    register_plugin()
    ds = Datasette(files=[], metadata=metadata, settings=settings)
    # Datasette adds an empty in-memory database when given no files: it would only
    # clutter the front page.
    ds.remove_database("_memory")
    # On a read-only mount or in a read-only folder no one can be writing, and SQLite
    # could not create the WAL side files a mutable connection needs: immutable there.
    ds.add_database(Database(ds, path=str(path), is_mutable=writable(path)), name=DATABASE_NAME)
    databases.add(path)
    return ds


def register_plugin() -> None:
    """The pmkz plugin, registered once: installing pmkz registers it through its entry
    point, which Datasette skips in some test setups (and a checkout whose install
    predates the entry point lacks)."""
    from datasette.plugins import pm

    from pmkz.browse import plugins

    if not pm.is_registered(plugins):
        pm.register(plugins, name=PLUGIN_NAME)


def datasette_cli_args(db_path: Path) -> list[str]:
    """Arguments for `datasette serve` with `pmkz serve`'s settings (settings.json); the
    installed plugin brings the rest, for a database of any name."""
    args = [str(db_path)]
    for key, value in load_settings().items():
        args += ["--setting", key, str(value)]
    return args
