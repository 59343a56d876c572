"""Browsing the archive in Datasette: its settings, templates, static files and plugin.

`pmkz serve` runs `browse.app.build_datasette`. The plugin (browse/plugins: its hooks,
templates and static files) is a Datasette plugin once pmkz is installed, so the
`datasette` command itself shows any archive the same way (settings aside:
`browse.app.datasette_cli_args`).
"""
