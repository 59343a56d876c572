"""Site time: the replica's fixed "now" and the UTC offset rule of Kazakhstan.

The replica never reads the real clock, so the same options give the same site on any
day. The offset is the rule itself (UTC+6 until the switch, UTC+5 from it), computed
here independently of zoneinfo so the truth does not share a bug with the crawler.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Epoch 0 is "now"; every later epoch is one day further on.
NOW = datetime(2026, 11, 1)
FIRST_DAY = datetime(2016, 1, 1)
# Government decree of 19.01.2024 No. 20: the whole country on UTC+5 from this local time.
SWITCH = datetime(2024, 3, 1)
# Publication times never fall in this window, so that an offset applied on the wrong
# side of the switch always shows up as a wrong date, not an ambiguous one.
AVOID = (datetime(2024, 2, 29, 22, 0), datetime(2024, 3, 1, 2, 0))


def offset_hours(local: datetime) -> int:
    return 6 if local < SWITCH else 5


def iso_local(local: datetime) -> str:
    """`2024-03-09T14:35:00+05:00`: seconds always shown, the offset in force then."""
    return local.replace(second=0, microsecond=0).isoformat(timespec="seconds") + f"+0{offset_hours(local)}:00"


def to_utc(local: datetime) -> datetime:
    return (local - timedelta(hours=offset_hours(local))).replace(tzinfo=timezone.utc)


def epoch_day(epoch: int) -> datetime:
    """Midnight of the local day on which epoch `epoch` (1, 2, ...) happens."""
    return NOW + timedelta(days=epoch - 1)
