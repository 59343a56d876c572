"""Browsing the archive in Datasette: its settings, templates, static files and plugin.

`pmkz serve` loads everything here through `browse.app.build_datasette`; the same files
work with the `datasette` command itself (`browse.app.datasette_cli_args`).
"""
