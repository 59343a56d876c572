"""`python -m pmkz` is the `pmkz` command."""
from pmkz.cli import cli

# Guarded: processes started with multiprocessing's spawn (the crawl's parser workers)
# import the parent's __main__, and must not run the command again.
if __name__ == "__main__":
    cli(prog_name="pmkz")
