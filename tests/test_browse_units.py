"""The pure parts of browse/: the chart's numbers, image types and paths, column order,
and how item pages write times and links (the diffs it shows: tests/test_diffs.py)."""
from __future__ import annotations

import pytest
from markupsafe import escape

from pmkz.browse import images, item, listing, sitetime, volume


@pytest.mark.parametrize("first, last, by, keys", [
    ("2023-11", "2024-02", "month", ["2023-11", "2023-12", "2024-01", "2024-02"]),
    ("2022", "2024", "year", ["2022", "2023", "2024"]),
    ("2024-02-26", "2024-03-11", "week", ["2024-02-26", "2024-03-04", "2024-03-11"]),
    ("2024-03", "2024-03", "month", ["2024-03"]),
])
def test_timeline_fills_every_period(first, last, by, keys):
    assert volume.timeline(first, last, by) == keys


@pytest.mark.parametrize("value, ceiling", [(0, 1), (1, 1), (3, 5), (5, 5), (7, 10), (11, 20), (120, 200)])
def test_nice_ceiling(value, ceiling):
    assert volume.nice_ceiling(value) == ceiling


def test_chart_counts_gaps_as_zero_and_scales_to_the_plot():
    chart = volume.build_chart([("2024-01", "ru", 5), ("2024-03", "ru", 2), ("2024-03", "kk", 1)], "month")
    assert chart.periods == ["2024-01", "2024-02", "2024-03"]
    assert [s.lang for s in chart.series] == ["ru", "kk"]
    ru = [tuple(map(float, p.split(","))) for p in chart.series[0].points.split()]
    assert [x for x, _ in ru] == [chart.left, (chart.left + chart.right_edge) / 2, chart.right_edge]
    # 5 is the top of the scale, 0 the axis.
    two = round(chart.bottom_edge - (chart.bottom_edge - chart.top) * 2 / 5, 1)
    assert [y for _, y in ru] == [chart.top, chart.bottom_edge, two]
    assert chart.table == [("2024-03", [2, 1], 3), ("2024-01", [5, 0], 5)]
    assert [label for _, label in chart.y_ticks] == [0, 1, 2, 3, 4, 5]


def test_chart_of_nothing_has_no_periods():
    chart = volume.build_chart([], "month")
    assert chart.periods == [] and chart.series == []


@pytest.mark.parametrize("head, kind", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"GIF89a\x01\x00", "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"<svg xmlns=", images.FALLBACK_TYPE),
    (b"<html><script>", images.FALLBACK_TYPE),
    (b"", images.FALLBACK_TYPE),
])
def test_content_type_comes_from_the_bytes(head, kind):
    assert images.content_type(head) == kind


def test_resolve_stays_inside_the_images_dir(tmp_path):
    root = tmp_path / "images"
    (root / "ab").mkdir(parents=True)
    (root / "ab" / "ab12.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_text("not an image")
    (root / "ab" / "link.png").symlink_to(tmp_path / "secret.txt")
    assert images.resolve(root, "ab/ab12.png") == (root / "ab" / "ab12.png").resolve()
    for bad in ("../secret.txt", "ab/../../secret.txt", "ab/link.png", "ab", "ab/missing.png",
                str(tmp_path / "secret.txt")):
        assert images.resolve(root, bad) is None, bad


def test_column_order_puts_the_first_columns_first_and_hides_the_rest():
    names = ["url", "site_id", "lang", "title", "etag", "body"]
    config = {"first": ["title", "lang", "missing"], "hidden": ["etag", "site_id"]}
    assert listing.column_order(names, config) == ["title", "lang", "url", "body"]
    assert listing.column_order(names, None) == names


@pytest.mark.parametrize("date, at, shown, utc", [
    ("2024-03-09", "2024-03-09T14:35:00+05:00", "2024-03-09 14:35 (UTC+05:00)", "2024-03-09T09:35:00+00:00"),
    ("2024-02-09", "2024-02-09T09:05:00+06:00", "2024-02-09 09:05 (UTC+06:00)", "2024-02-09T03:05:00+00:00"),
])
def test_publication_time_is_the_pages_own_with_utc_on_hover(date, at, shown, utc):
    assert sitetime.published_tag(date, at) == (
        f'<time datetime="{utc}" title="{utc[:10]} {utc[11:16]} UTC">{shown}</time>')


def test_a_page_without_a_time_shows_its_date():
    assert sitetime.published_tag("2024-03-09", None) == "2024-03-09"


@pytest.mark.parametrize("stamp, shown", [
    ("2024-05-10T08:00:00+00:00", "2024-05-10 13:00 (UTC+05:00)"),
    ("2024-02-20T20:30:00+00:00", "2024-02-21 02:30 (UTC+06:00)"),
    ("2024-02-20T20:30:00", "2024-02-21 02:30 (UTC+06:00)"),
])
def test_a_stored_moment_shows_in_site_time_with_utc_on_hover(stamp, shown):
    utc = stamp.removesuffix("+00:00") + "+00:00"
    assert sitetime.time_tag(stamp) == f'<time datetime="{utc}" title="{utc[:10]} {utc[11:16]} UTC">{shown}</time>'


@pytest.mark.parametrize("stamp", [None, "", "2024-05-10", "not a time <b>", "9999-12-31T23:00:00+00:00"])
def test_what_is_not_a_moment_shows_as_it_is_escaped(stamp):
    assert sitetime.time_tag(stamp) == escape(stamp or "")


@pytest.mark.parametrize("url, safe", [
    ("https://primeminister.kz/ru/news/x-1", True),
    ("http://127.0.0.1:8123/en/news/x-1", True),
    ("javascript:alert(1)", False),
    ("", False),
])
def test_only_web_urls_become_links(url, safe):
    assert (item.web_url(url) == url) is safe


def test_the_chart_tells_its_languages_apart_without_colour():
    chart = volume.build_chart([("2024-01", lang, 2) for lang in ("ru", "kk", "en")]
                               + [("2024-02", lang, 3) for lang in ("ru", "kk", "en")], "month")
    styles = [(s.dash, s.width, s.shape) for s in chart.series]
    assert len(set(styles)) == 3 and len({s.dash for s in chart.series}) == 3
    # Ending at one height, the lines' names are written apart, not over each other.
    ends = sorted(s.end[1] for s in chart.series)
    assert all(b - a >= volume.LABEL_HEIGHT for a, b in zip(ends, ends[1:]))
