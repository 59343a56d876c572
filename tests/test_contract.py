"""CONTRACT.md names every command and every environment variable the code reads, so the
document users rely on cannot fall behind the code."""
import re
from pathlib import Path

from pmkz.cli import COMMANDS

ROOT = Path(__file__).parent.parent
CONTRACT = (ROOT / "CONTRACT.md").read_text(encoding="utf-8")
PARTS = ("pmkz", "crawler", "storage", "scheduler", "notify", "browse", "bench", "replica")
# How the code reads a variable: os.environ / getenv, the settings' helpers, click's envvar=.
READ = re.compile(r"""(?:environ(?:\.get)?[\[(]|getenv\(|_number\(|_seconds\(env,\s*|env\.get\(|envvar=)"(PMKZ_[A-Z_]+)\"""")
# Set by pmkz for its own child processes and test skins, never by a user.
INTERNAL = {"PMKZ_PARENT_PID", "PMKZ_REPLICA_SKINS", "PMKZ_RECHECK_NEWEST"}


def read_variables() -> set[str]:
    found = set()
    for part in PARTS:
        for path in (ROOT / part).rglob("*.py"):
            found.update(READ.findall(path.read_text(encoding="utf-8")))
    return found - INTERNAL


def test_every_command_is_in_the_contract():
    assert [name for name in COMMANDS if f"`pmkz {name}" not in CONTRACT] == []


def test_every_environment_variable_the_code_reads_is_in_the_contract():
    variables = read_variables()
    assert {"PMKZ_DB", "PMKZ_WARC_DIR", "PMKZ_NOTIFY_DEADLINE"} <= variables  # the scan works
    assert sorted(v for v in variables if f"`{v}`" not in CONTRACT) == []
