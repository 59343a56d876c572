"""`pmkz bench --real-pages` on tiny directories built here (both layouts), and
`pmkz parse` with several files, standard input and CSS selectors."""
import gzip
import json

from click.testing import CliRunner

from pmkz.bench.real_pages import body_scores, shingle_match
from pmkz.cli import cli

PROSE = ("<p>The harbour bridge reopened to traffic on Monday after eight months of repairs, "
         "the city's transport office said.</p><p>Engineers replaced the deck joints and the paint.</p>")


def page(title, day):
    return (f"<html lang='en'><head><meta name='date' content='2019-11-{day}'></head><body>"
            f"<h1>{title}</h1><div class='story'>{PROSE}</div></body></html>")


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_shingle_scores_follow_the_benchmark():
    assert shingle_match("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    assert body_scores([shingle_match("a b c d e", "")])["recall"] == 0.0
    tp, fp, fn = shingle_match("one two three four five", "one two three four six")
    assert (tp, fp, fn) == (1 / 3, 1 / 3, 1 / 3)  # one of two shingles shared


def test_bench_bodies_layout(tmp_path):
    (tmp_path / "html").mkdir()
    truth = {}
    for n in range(3):
        (tmp_path / "html" / f"p{n}.html.gz").write_bytes(gzip.compress(page(f"Bridge {n}", 10 + n).encode()))
        truth[f"p{n}"] = {"url": f"https://news.example.org/p{n}",
                          "articleBody": "The harbour bridge reopened to traffic on Monday after eight months of "
                                         "repairs, the city's transport office said.\nEngineers replaced the deck "
                                         "joints and the paint."}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    figures = json.loads(run("bench", "--real-pages", str(tmp_path), "--json").stdout)
    assert figures["pages"] == 3 and figures["pmkz"]["refused"] == 0 and figures["pmkz"]["f1"] == 1.0
    assert figures["pmkz"]["layers"]["structure"]["pages"] == 3


def test_bench_dates_layout(tmp_path):
    (tmp_path / "pages").mkdir()
    truth = {}
    for n, day in enumerate(("2019-11-10", "2019-11-12")):
        (tmp_path / "pages" / f"{n}.html").write_text(page(f"Bridge {n}", 10))
        truth[f"https://news.example.org/{n}"] = {"file": f"pages/{n}.html", "date": day}
    (tmp_path / "truth.json").write_text(json.dumps(truth))
    figures = json.loads(run("bench", "--real-pages", str(tmp_path), "--json").stdout)["pmkz"]
    assert (figures["dates_right"], figures["dates_within_a_day"], figures["dates_scored"]) == (1, 1, 2)
    assert figures["layers"]["meta"]["pages"] == 2


def test_bench_refuses_a_directory_in_neither_layout(tmp_path):
    result = CliRunner().invoke(cli, ["bench", "--real-pages", str(tmp_path)])
    assert result.exit_code == 1 and "neither" in result.stderr


def test_parse_several_files_and_stdin(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    first.write_text(page("First bridge", 10))
    second.write_text(page("Second bridge", 11))
    result = run("parse", str(first), str(second), "--url", "https://news.example.org/story")
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == ["First bridge", "Second bridge"]
    result = run("parse", "-", "--url", "https://news.example.org/story", input=page("Piped bridge", 10))
    assert json.loads(result.stdout)["title"] == "Piped bridge"


def test_parse_honours_css_selectors(tmp_path):
    selectors = tmp_path / "site.toml"
    selectors.write_text('body = ["div.story > p:first-child"]')
    result = run("parse", "-", "--url", "https://news.example.org/story", "--selectors", str(selectors),
                 input=page("Bridge", 10))
    record = json.loads(result.stdout)
    assert record["body"].startswith("The harbour bridge") and "Engineers" not in record["body"]
    assert record["field_sources"]["body"] == "selector:div.story > p:first-child"


def test_parse_names_a_bad_selectors_file(tmp_path):
    selectors = tmp_path / "site.toml"
    selectors.write_text('body = ["div >> p"]')
    result = CliRunner().invoke(cli, ["parse", "-", "--url", "https://x.org/a", "--selectors", str(selectors)],
                                input="<html></html>")
    assert result.exit_code == 1 and str(selectors) in result.stderr and result.stderr.count("\n") == 1
