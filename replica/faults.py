"""The faults `pmkz replica --faults KIND=RATE,...` plays (CONTRACT.md, "Replica").

Which pages a kind hits is a function of (seed, kind, path) against its rate, so a run
can be repeated exactly. Only article pages and images are hit; lists, home pages and
robots.txt never are, so a crawl can always find its way. Transient kinds hit a page's
or image's first two requests and then let it through. The others hit article pages
only, every time: an archive under faults is complete but for the FATAL pages, and the
truth leaves those out (`Faults.fatal`).
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import replace

from pmkz.replica.app import Response
from pmkz.replica.seeding import unit

TRANSIENT = ("500", "503", "429", "slow", "reset", "truncate", "empty")
READABLE = ("charset", "broken")  # permanent, pages only, and the page must still be stored
FATAL = ("loop", "huge")  # permanent: the page must end up in `failures`
KINDS = TRANSIENT + READABLE + FATAL
TRANSIENT_REQUESTS = 2
LEGACY_CODECS = {"ru": "windows-1251", "en": "windows-1251", "kk": "kz1048"}


def parse(spec: str) -> dict[str, float]:
    """`500=0.1,slow=0.05` -> {"500": 0.1, "slow": 0.05}; ValueError says what is wrong."""
    rates: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kind, equals, rate = item.partition("=")
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r} in {spec!r} (known: {', '.join(KINDS)})")
        try:
            value = float(rate) if equals else -1.0
        except ValueError:
            value = -1.0
        if not 0 <= value <= 1:
            raise ValueError(f"fault {kind!r} needs a rate between 0 and 1, as in {kind}=0.1")
        if kind in rates:
            raise ValueError(f"fault {kind!r} given twice")
        rates[kind] = value
    return rates


class Faults:
    def __init__(self, rates: dict[str, float], seed: int):
        self.rates, self.seed = rates, seed
        self._requests: Counter[str] = Counter()
        self._lock = threading.Lock()

    def hits(self, kind: str, path: str) -> bool:
        rate = self.rates.get(kind, 0.0)
        return rate > 0 and unit(self.seed, "fault", kind, path) < rate

    def fatal(self, path: str) -> str | None:
        """The FATAL kind that hits the article page at `path`, if one does."""
        return next((kind for kind in FATAL if self.hits(kind, path)), None)

    def plan(self, response: Response, path: str) -> tuple[str | None, list[str]]:
        """(the failure to play instead of the response, or None; the READABLE kinds to
        apply to its body). Counts the request towards the transient allowance."""
        if response.status != 200 or response.target is None:
            return None, []
        page = response.target == "page"
        fatal = self.fatal(path) if page else None
        if fatal:
            return fatal, []
        with self._lock:
            self._requests[path] += 1
            early = self._requests[path] <= TRANSIENT_REQUESTS
        failure = next((k for k in TRANSIENT if early and self.hits(k, path)), None)
        readable = [k for k in READABLE if page and self.hits(k, path)]
        return failure, readable


def legacy_charset(response: Response) -> Response:
    """The page in its language's legacy code page, declared in the header and the meta;
    characters the code page lacks become numeric character references."""
    codec = LEGACY_CODECS[response.lang]
    text = response.body.decode("utf-8").replace('<meta charset="utf-8">', f'<meta charset="{codec}">', 1)
    return replace(response, body=text.encode(codec, "xmlcharrefreplace"), content_type=f"text/html; charset={codec}")


def broken_markup(response: Response) -> Response:
    """Unclosed paragraphs and list items, stray end tags, an unquoted attribute, tags
    left open and junk after </html>: what a browser and a tolerant parser read anyway."""
    text = response.body.decode("utf-8")
    text = re.sub(r"</p>(\s*<p[\s>])", r"\1", text)
    text = text.replace("</li>", "").replace('class="header__nav"', "class=header__nav")
    text = text.replace("</h1>", "</h1></span></font>", 1)
    text = text.replace("</footer>", '<div class="banner"><b>beta</footer>', 1)
    text += '</div></body>\n<div id="debug">cache: hit</html>\n'
    return replace(response, body=text.encode("utf-8"))


REWRITE = {"charset": legacy_charset, "broken": broken_markup}


def apply(response: Response, kinds: list[str]) -> Response:
    # Broken markup first: it edits the UTF-8 text that the charset fault then re-encodes.
    for kind in sorted(kinds, key=READABLE[::-1].index):
        response = REWRITE[kind](response)
    return response
