"""`python -m pmkz` is the `pmkz` command."""
from pmkz.cli import cli

cli(prog_name="pmkz")
