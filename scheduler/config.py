"""The daemon's TOML configuration, with defaults for everything.

Example (all keys optional):

    [crawl]
    base_url = "https://primeminister.kz"
    db = "data/pmkz.db"
    images_dir = "data/images"
    langs = ["ru", "kk", "en"]

    [schedule]
    incremental_every_minutes = 15
    incremental_time_limit_minutes = 30
    full_daily_at = "03:00"            # site time (Asia/Almaty)
    full_time_limit_minutes = 360
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pmkz import config as env_config
from pmkz.site import LANGUAGES, SITE_TIMEZONE


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class DaemonConfig:
    base_url: str
    db: Path
    images_dir: Path
    langs: list[str] = field(default_factory=lambda: list(LANGUAGES))
    incremental_every_minutes: float = 15
    incremental_time_limit_minutes: float = 30
    full_daily_at: str = "03:00"
    full_time_limit_minutes: float = 360
    timezone: str = SITE_TIMEZONE

    @property
    def full_hour_minute(self) -> tuple[int, int]:
        hour, minute = self.full_daily_at.split(":")
        return int(hour), int(minute)


def load(path: Path | None) -> DaemonConfig:
    env = env_config.from_env()
    data = _read(path) if path else {}
    crawl, schedule = data.get("crawl", {}), data.get("schedule", {})
    unknown = (set(data) - {"crawl", "schedule"}) | (set(crawl) - {"base_url", "db", "images_dir", "langs"}) | (
        set(schedule) - {"incremental_every_minutes", "incremental_time_limit_minutes",
                         "full_daily_at", "full_time_limit_minutes"})
    if unknown:
        raise ConfigError(f"{path}: unknown setting {', '.join(sorted(unknown))}")
    try:
        result = DaemonConfig(
            base_url=str(crawl.get("base_url", env.base_url)).rstrip("/"),
            db=Path(crawl.get("db", env.db_path)),
            images_dir=Path(crawl.get("images_dir", env.images_dir)),
            langs=list(crawl.get("langs", LANGUAGES)),
            **{key: schedule[key] for key in schedule},
        )
    except TypeError as error:
        raise ConfigError(f"{path}: {error}") from None
    _validate(result, path)
    return result


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def _validate(config: DaemonConfig, path) -> None:
    where = f"{path}: " if path else ""
    bad_langs = [lang for lang in config.langs if lang not in LANGUAGES]
    if bad_langs or not config.langs:
        raise ConfigError(f"{where}langs must be among {', '.join(LANGUAGES)}")
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", str(config.full_daily_at)):
        raise ConfigError(f"{where}full_daily_at must be a time like 03:00, not {config.full_daily_at!r}")
    for name in ("incremental_every_minutes", "incremental_time_limit_minutes", "full_time_limit_minutes"):
        value = getattr(config, name)
        if not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{where}{name} must be a positive number, not {value!r}")
    if not config.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}base_url must start with http:// or https://")
