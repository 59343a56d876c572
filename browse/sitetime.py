"""Site time, the one way pages show a moment: in SQL (the canned queries speak of days as
the site does, Asia/Almaty: UTC+6 until 2024-03-01, UTC+5 since, which a fixed SQLite
offset cannot) and in templates (`{{ stamp|pmkz_time }}`: site time with its offset, UTC
on hover and in the `datetime` attribute; JSON keeps the stored UTC stamps)."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from markupsafe import Markup

from pmkz.site import SITE_TIMEZONE

ZONE = ZoneInfo(SITE_TIMEZONE)


def _moment(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        # The crawler's stamps are UTC; one without an offset is read as UTC too.
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(ZONE)
    except (ValueError, OverflowError):  # not a moment, or one past the calendar's end there
        return None


def site_date(stamp: str | None) -> str | None:
    """`2024-02-29T20:30:00+00:00` -> `2024-03-01` (02:30 in Almaty, UTC+6 then)."""
    moment = _moment(stamp)
    return moment.date().isoformat() if moment else None


def site_time(stamp: str | None) -> str | None:
    """`2024-05-10T08:00:00+00:00` -> `2024-05-10 13:00 (UTC+05:00)`."""
    moment = _moment(stamp)
    if moment is None:
        return None
    offset = f"{moment:%z}"
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def time_tag(stamp: str | None) -> Markup:
    """`<time datetime="2024-05-10T08:00:00+00:00" title="2024-05-10 08:00 UTC">2024-05-10
    13:00 (UTC+05:00)</time>`; a bare date or an unreadable stamp as it is."""
    moment = _moment(stamp) if stamp and len(stamp) > 10 else None
    return _tag(moment, site_time(stamp)) if moment else Markup("{}").format(stamp or "")


def published_tag(published_date: str | None, published_at: str | None) -> Markup:
    """When an item was published as its page said it, offset included (`2024-03-09 14:35
    (UTC+05:00)`), UTC on hover; the date alone when the page showed no time."""
    moment = _moment(published_at) if published_at and len(published_at) >= 16 else None
    if moment is None:
        return Markup("{}").format(published_date or "")
    offset = published_at[19:] or "+00:00"
    return _tag(moment, f"{published_at[:10]} {published_at[11:16]} (UTC{offset})")


def _tag(moment: datetime, text: str) -> Markup:
    utc = moment.astimezone(timezone.utc)
    # The datetime attribute in the form the database and the JSON keep.
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        utc.isoformat(), f"{utc:%Y-%m-%d %H:%M} UTC", text)


def site_today() -> str:
    return datetime.now(ZONE).date().isoformat()


def register(conn) -> None:
    conn.create_function("pmkz_site_date", 1, site_date, deterministic=True)
    conn.create_function("pmkz_site_time", 1, site_time, deterministic=True)
    conn.create_function("pmkz_site_today", 0, site_today)
