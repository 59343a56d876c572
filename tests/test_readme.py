"""The README documents every `pmkz` sub-command, and its Quickstart is what CI runs."""
from pathlib import Path

from pmkz.cli import COMMANDS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    missing = [name for name in COMMANDS if f"`pmkz {name}" not in README]
    assert missing == []


def test_ci_runs_the_quickstart_test_command():
    assert "make test" in README and "make run" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()
