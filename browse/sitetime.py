"""Site time in SQL: the canned queries speak of days as the site does (Asia/Almaty:
UTC+6 until 2024-03-01, UTC+5 since), which a fixed SQLite offset cannot."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from pmkz.site import SITE_TIMEZONE

ZONE = ZoneInfo(SITE_TIMEZONE)


def _moment(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    # The crawler's stamps are UTC; one without an offset is read as UTC too.
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(ZONE)


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


def site_today() -> str:
    return datetime.now(ZONE).date().isoformat()


def register(conn) -> None:
    conn.create_function("pmkz_site_date", 1, site_date, deterministic=True)
    conn.create_function("pmkz_site_time", 1, site_time, deterministic=True)
    conn.create_function("pmkz_site_today", 0, site_today)
