"""One module per `pmkz` sub-command; each exposes a click command named `command`."""
