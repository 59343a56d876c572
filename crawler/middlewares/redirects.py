"""Redirects that come back to a URL already visited are failures, not silence.

Scrapy follows a redirect by scheduling a new request; one back to a URL already
fetched is dropped by the duplicate filter without a word, so a page that redirects to
itself would vanish from the crawl instead of being listed in `failures`.
"""
from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import Response

from pmkz.crawler.middlewares.errors import RedirectLoop


def _refuse_loops(request: Request, result: Request | Response) -> Request | Response:
    if isinstance(result, Request) and result.url in result.meta.get("redirect_urls", ()):
        raise RedirectLoop(f"redirect loop: {request.url} redirects to {result.url}, already visited")
    return result


class LoopRefusingRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        return _refuse_loops(request, super().process_response(request, response))


class LoopRefusingMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        return _refuse_loops(request, super().process_response(request, response))
