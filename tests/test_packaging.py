"""pmkz installs as one package: its wheel holds `pmkz/` alone, so installing it beside
packages named `scheduler` or `storage` (both taken on PyPI) touches neither."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def build_wheel(out: Path) -> Path:
    # From a copy of the sources: setuptools builds in the tree it is given (build/,
    # pmkz.egg-info/), which two test runs side by side would otherwise share.
    source = out.parent / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "data", "test-artifacts", "*.egg-info", "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
                   check=True, capture_output=True, text=True)
    [wheel] = out.glob("pmkz-*.whl")
    return wheel


def test_the_wheel_installs_one_package_beside_others_of_common_names(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top_level = {name.split("/", 1)[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"pmkz"}
    # Data files travel with their packages.
    assert "pmkz/replica/templates/modern/article.html" in names
    assert "pmkz/browse/metadata.yaml" in names

    # Two packages of another project, named like parts of pmkz, already installed.
    target = tmp_path / "site"
    for name in ("scheduler", "storage"):
        (target / name).mkdir(parents=True)
        (target / name / "__init__.py").write_text(f"WHO = 'the other {name}'\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)

    check = ("import scheduler, storage, pmkz.scheduler.config, pmkz.storage; "
             "print(scheduler.WHO, storage.WHO, pmkz.storage.Store.__name__, pmkz.__file__, sep='|')")
    # Run from a directory with no pmkz folder, the wheel's copy first on the path.
    result = subprocess.run([sys.executable, "-P", "-c", check], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(target)})
    assert result.returncode == 0, result.stderr
    other_scheduler, other_storage, store, location = result.stdout.strip().split("|")
    assert (other_scheduler, other_storage, store) == ("the other scheduler", "the other storage", "Store")
    assert Path(location).is_relative_to(target)


def declared_without_extras() -> set[str]:
    """The distributions pmkz's own dependency list brings in through requirements that
    name no extra (read from the installed ones): what any installer installs, whichever
    way it matches extras' names."""
    pending = [Requirement(line) for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    found = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        found.add(name)
        pending += [Requirement(line) for line in metadata.distribution(name).requires or []]
    return found


# Run with the top-level names of undeclared distributions as arguments: importing any
# of them fails as it would where they are not installed.
IMPORT_HIDING = """
import sys
hidden = set(sys.argv[1:])
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
import trafilatura
"""


def test_trafilatura_imports_with_only_what_pmkz_declares():
    # The parser's last layer (crawler/parsing/article.py) imports trafilatura: it must
    # import in a fresh install, where nothing pmkz does not declare is present.
    declared = declared_without_extras()
    undeclared = [module for module, owners in metadata.packages_distributions().items()
                  if not any(canonicalize_name(owner) in declared for owner in owners)]
    result = subprocess.run([sys.executable, "-c", IMPORT_HIDING, *undeclared], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
