"""The replica's URL scheme: one request path (and query) in, one response out.

No sockets here (replica.server does HTTP) and no faults (replica.faults): this is what
a healthy primeminister.kz would answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pmkz.replica import clock, decisions, images
from pmkz.replica.model import LANG_OF_PREFIX, Site
from pmkz.replica.render import Renderer

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search\nAllow: /\n"
SITEMAP = re.compile(r"/(sitemap(?:-[a-z]+)?\.xml)")
MEDIA = re.compile(r"/assets/media/(thumbs/)?([\w.-]+)")
SECTION = re.compile(r"/([a-z]+)(/.*)?")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = HTML
    last_modified: datetime | None = None  # site-local; sent with every 200
    location: str | None = None
    # What faults may hit this response: "page" (an article), "image", or None.
    target: str | None = None
    lang: str | None = None


def _html(text: str, last_modified: datetime, **extra) -> Response:
    return Response(200, text.encode("utf-8"), last_modified=last_modified, **extra)


class App:
    def __init__(self, site: Site, renderer: Renderer):
        self.site, self.renderer = site, renderer

    def not_found(self, lang: str = "ru") -> Response:
        return Response(404, self.renderer.not_found(lang).encode("utf-8"))

    def handle(self, path: str, query: dict[str, list[str]]) -> Response:
        if path == "/":
            return Response(302, location="/ru/")
        if path == "/robots.txt":
            named = "".join(f"Sitemap: {self.renderer.base_url}{p}\n" for p in self.renderer.sitemap_paths())
            return Response(200, (ROBOTS + named).encode(), "text/plain; charset=utf-8", clock.FIRST_DAY)
        sitemap = SITEMAP.fullmatch(path)
        if sitemap:
            text = self.renderer.sitemap(sitemap[1])
            return Response(200, text.encode(), XML, self.site.now) if text else self.not_found()
        if path == "/assets/css/main.css":
            return Response(200, self.renderer.stylesheet().encode(), "text/css; charset=utf-8", clock.FIRST_DAY)
        if path.startswith("/assets/"):
            return self._asset(path)
        if path.startswith(decisions.FILES_PATH + "/"):
            return self._attachment(path)
        section = SECTION.fullmatch(path)
        if not section or section[1] not in LANG_OF_PREFIX:
            return self.not_found()
        lang, rest = LANG_OF_PREFIX[section[1]], section[2]
        if rest is None:
            return Response(301, location=f"/{section[1]}/")
        if rest == "/":
            return _html(self.renderer.home(lang), self.site.now)
        if rest == "/news" or rest.startswith("/news/page/"):
            return self._list(lang, section[1], rest, query)
        if rest.startswith("/news/"):
            article = self.site.find(path)
            if article is None:
                return self.not_found(lang)
            return _html(self.renderer.article(article), article.last_modified, target="page", lang=lang)
        section = self.renderer.decision_section
        if section and (rest == f"/{section}" or rest.startswith(f"/{section}/")):
            return self._decision(lang, path, rest == f"/{section}", query)
        page = self.renderer.static(lang, rest[1:])
        return _html(page, clock.FIRST_DAY) if page else self.not_found(lang)

    def _decision(self, lang: str, path: str, is_list: bool, query: dict[str, list[str]]) -> Response:
        """A decisions list page (`?page=N` from 1) or one decision's page."""
        if is_list:
            number = query.get("page", ["1"])[-1]
            page = self.renderer.decision_list(lang, int(number)) if number.isdigit() else None
            return _html(page, self.site.now) if page else self.not_found(lang)
        decision = decisions.find(self.site.decisions, self.renderer.decision_section, path)
        if decision is None:
            return self.not_found(lang)
        published = datetime.combine(decision.published, datetime.min.time())
        return _html(self.renderer.decision(decision), published, target="page", lang=lang)

    def _attachment(self, path: str) -> Response:
        attachment = self.renderer.decision_section and decisions.find_file(self.site.decisions, path)
        if not attachment:
            return self.not_found()
        # Faults hit an attached file as they hit an image: transient ones, then the file.
        return Response(200, attachment.data(), attachment.content_type, clock.FIRST_DAY, target="image")

    def _list(self, lang: str, prefix: str, rest: str, query: dict[str, list[str]]) -> Response:
        if self.renderer.paging == "path":
            # Lists live at /news/page/N from 0; /news itself sends readers to page 0.
            number = rest.removeprefix("/news/page/") if rest != "/news" else None
            if number is None:
                return Response(301, location=self.renderer.list_path(prefix, 1))
            page = self.renderer.news_list(lang, int(number) + 1) if number.isdigit() else None
        else:
            number = query.get("page", ["1"])[-1]
            page = self.renderer.news_list(lang, int(number)) if number.isdigit() and rest == "/news" else None
        return _html(page, self.site.now) if page else self.not_found(lang)

    def _asset(self, path: str) -> Response:
        if path.startswith("/assets/img/"):
            name = path.removeprefix("/assets/img/")
            data = images.furniture(name)
            if data is None:
                return self.not_found()
            return Response(200, data, images.content_type(name), clock.FIRST_DAY)
        media = MEDIA.fullmatch(path)
        article = media and images.content_type(media[2]) and self.site.image_article(media[2])
        if not article:
            return self.not_found()
        data = images.media(media[2], thumb=bool(media[1]))
        return Response(200, data, images.content_type(media[2]), article.published, target="image")
