"""The parts' import graph points one way (ARCHITECTURE.md): no two parts import each
other, however indirectly, and the pure parsers and storage import no part above them."""
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
# Folder -> the part it is; crawler/parsing is a part of its own, below the crawler.
FOLDERS = {"crawler": "crawler", "storage": "storage", "scheduler": "scheduler", "notify": "notify",
           "browse": "browse", "bench": "bench", "replica": "replica", "pmkz": "pmkz"}
IMPORT = re.compile(r"^\s*(?:from|import)\s+pmkz\.([a-z_]+)(?:\.([a-z_]+))?", re.M)


def part_of_module(first: str, second: str | None) -> str:
    # pmkz's own modules (site, config, commands, ...) are each a part of their own.
    return "parsing" if (first, second) == ("crawler", "parsing") else first


def part_of_file(path: Path) -> str:
    relative = path.relative_to(ROOT)
    if relative.parts[:2] == ("crawler", "parsing"):
        return "parsing"
    if relative.parts[0] == "pmkz":
        return relative.parts[1] if len(relative.parts) > 2 else relative.stem
    return FOLDERS[relative.parts[0]]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            source = part_of_file(path)
            for first, second in IMPORT.findall(path.read_text(encoding="utf-8")):
                target = part_of_module(first, second or None)
                if target != source:
                    edges.setdefault(source, set()).add(target)
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return trail + [node, nxt]
            if nxt not in state and (found := visit(nxt, trail + [node])):
                return found
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node, [])):
            return found
    return None


def test_the_parts_import_graph_has_no_cycle():
    edges = graph()
    assert {"crawler", "storage", "notify", "browse"} <= set(edges)  # the scan found the parts
    assert cycle(edges) is None


def test_the_lower_parts_import_nothing_above_them():
    edges = graph()
    assert edges.get("parsing", set()) <= {"site"}
    assert edges.get("storage", set()) <= {"site"}
    assert edges.get("notify", set()) <= {"storage", "site", "parsing"}


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert cycle({"a": {"b"}, "b": {"c"}}) is None
