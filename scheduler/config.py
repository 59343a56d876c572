"""The daemon's TOML configuration, with defaults for everything.

Example (all keys optional):

    [crawl]
    base_url = "https://primeminister.kz"
    db = "data/pmkz.db"
    images_dir = "data/images"
    langs = ["ru", "kk", "en"]
    sections = ["-about"]              # as PMKZ_SECTIONS: names to follow, -name to leave out

    [schedule]
    incremental_every_minutes = 15
    incremental_time_limit_minutes = 30
    full_daily_at = "03:00"            # site time (Asia/Almaty); off by default: the
                                       # incremental runs re-check every page (crawler/revisit.py)
    full_time_limit_minutes = 360

    [notify]
    urls = ["mailtos://example.org?user=alerts&pass=PASSWORD"]   # Apprise URLs, as PMKZ_NOTIFY
    digest = "daily"                   # one message a site-day instead of one a run
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pmkz import config as env_config
from pmkz.crawler.parsing.sections import section_filter
from pmkz.site import LANGUAGES, SITE_TIMEZONE


# Schedules and time limits: a second at least (a crawl cannot start faster), a year at most.
MIN_MINUTES = 1 / 60
MAX_MINUTES = 366 * 24 * 60


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
    full_daily_at: str | None = None  # a daily full re-check, only when asked for
    full_time_limit_minutes: float = 360
    timezone: str = SITE_TIMEZONE
    notify_urls: tuple[str, ...] = ()  # PMKZ_NOTIFY's by default
    notify_digest: str | None = None
    sections: str | None = None  # PMKZ_SECTIONS' by default

    def crawl_env(self) -> dict[str, str]:
        """The notify and section settings of each crawl, which reads them from its environment."""
        sections = {} if self.sections is None else {"PMKZ_SECTIONS": self.sections}
        return {"PMKZ_NOTIFY": " ".join(self.notify_urls), "PMKZ_NOTIFY_DIGEST": self.notify_digest or "", **sections}

    @property
    def full_hour_minute(self) -> tuple[int, int]:
        hour, minute = self.full_daily_at.split(":")
        return int(hour), int(minute)


def load(path: Path | None) -> DaemonConfig:
    try:
        env = env_config.from_env()
    except ValueError as error:
        raise ConfigError(str(error)) from None
    data = _read(path) if path else {}
    crawl, schedule, notify = data.get("crawl", {}), data.get("schedule", {}), data.get("notify", {})
    for name, table in (("crawl", crawl), ("schedule", schedule), ("notify", notify)):
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{name}] must be a table of settings, not {table!r}")
    for name in ("base_url", "db", "images_dir"):
        if name in crawl and not isinstance(crawl[name], str):
            raise ConfigError(f"{path}: {name} must be a string, not {crawl[name]!r}")
    if "langs" in crawl and not (isinstance(crawl["langs"], list) and all(isinstance(x, str) for x in crawl["langs"])):
        raise ConfigError(f"{path}: langs must be a list of language codes, not {crawl['langs']!r}")
    sections = _sections(crawl, path)
    unknown = (set(data) - {"crawl", "schedule", "notify"}) | (
        set(crawl) - {"base_url", "db", "images_dir", "langs", "sections"}) | (
        set(schedule) - {"incremental_every_minutes", "incremental_time_limit_minutes",
                         "full_daily_at", "full_time_limit_minutes"}) | (set(notify) - {"urls", "digest"})
    if unknown:
        raise ConfigError(f"{path}: unknown setting {', '.join(sorted(unknown))}")
    if "urls" in notify and not (isinstance(notify["urls"], list) and all(isinstance(x, str) for x in notify["urls"])):
        raise ConfigError(f"{path}: [notify] urls must be a list of Apprise URLs, not {notify['urls']!r}")
    try:
        urls = env_config.notify_urls(notify["urls"], f"{path}: [notify] urls") if "urls" in notify else env.notify_urls
        digest = (env_config.notify_digest(str(notify["digest"]), f"{path}: [notify] digest") if "digest" in notify
                  else env.notify_digest)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    try:
        result = DaemonConfig(
            base_url=str(crawl.get("base_url", env.base_url)).rstrip("/"),
            db=Path(crawl.get("db", env.db_path)),
            images_dir=Path(crawl.get("images_dir", env.images_dir)),
            langs=list(crawl.get("langs", LANGUAGES)),
            **{key: schedule[key] for key in schedule},
            notify_urls=urls, notify_digest=digest, sections=sections,
        )
    except TypeError as error:
        raise ConfigError(f"{path}: {error}") from None
    _validate(result, path)
    return result


def _sections(crawl: dict, path) -> str | None:
    """[crawl] sections as PMKZ_SECTIONS' text, checked as a crawl checks it; None when not set."""
    if "sections" not in crawl:
        return None
    names = crawl["sections"]
    if not (isinstance(names, list) and all(isinstance(x, str) for x in names)):
        raise ConfigError(f"{path}: sections must be a list of section names, not {names!r}")
    try:
        section_filter(",".join(names))
    except ValueError as error:
        raise ConfigError(f"{path}: {error}") from None
    return ",".join(names)


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
    if config.full_daily_at is not None and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", str(config.full_daily_at)):
        raise ConfigError(f"{where}full_daily_at must be a time like 03:00, not {config.full_daily_at!r}")
    for name in ("incremental_every_minutes", "incremental_time_limit_minutes", "full_time_limit_minutes"):
        value = getattr(config, name)
        # bool is an int to Python; inf and nan are floats to TOML.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not MIN_MINUTES <= value <= MAX_MINUTES:
            raise ConfigError(f"{where}{name} must be a number of minutes from {MIN_MINUTES:.4f}"
                              f" (a second) to {MAX_MINUTES} (a year), not {value!r}")
    try:
        env_config.check_url(config.base_url, "base_url")
    except ValueError as error:
        raise ConfigError(f"{where}{error}") from None
