"""crawler/parsing."""
