"""The pmkz Datasette plugin, as Datasette finds it: this package is what the `datasette`
entry point in pyproject.toml names, so installing pmkz makes plain `datasette` use it.

Its hooks are in pmkz_browse (pages, search, metadata for any archive) and pmkz_errors
(clean 4xx pages), gathered here since Datasette registers one object per plugin; it
serves templates/ before its own and static/ at /-/static-plugins/pmkz/.
"""
from . import pmkz_browse, pmkz_errors

# Every function they define marked @hookimpl (pluggy marks it with `datasette_impl`);
# not one they import, as pmkz_errors imports Datasette's own error page.
globals().update({name: value for module in (pmkz_browse, pmkz_errors)
                  for name, value in vars(module).items()
                  if hasattr(value, "datasette_impl") and value.__module__ == module.__name__})
