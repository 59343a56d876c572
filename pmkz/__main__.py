"""`python -m pmkz` is the `pmkz` command."""
from pmkz.cli import cli

if __name__ == "__main__":
    cli(prog_name="pmkz")
