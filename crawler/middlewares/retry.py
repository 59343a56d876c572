"""Retries with exponential backoff that honour Retry-After (Scrapy's RetryMiddleware
retries at once and ignores the header).

The wait happens inside the middleware, so the request keeps its place in the
downloader's concurrency while it waits: a throttled crawl slows down instead of
sending the rest of its queue. An empty 200 is retried like a 503 (a server that
answers with nothing has not answered), and when the attempts run out the failure
says what happened, for the `failures` table.
"""
from __future__ import annotations

import logging
import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

from pmkz.crawler.middlewares.errors import EmptyResponse, FetchFailed, plain, too_large
from pmkz.crawler.middlewares.waits import retry_after, retry_wait

logger = logging.getLogger(__name__)


class CarefulRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("PMKZ_RETRY_BACKOFF", 1.0)
        self.max_wait = settings.getfloat("PMKZ_MAX_RETRY_WAIT", 60.0)
        self.maxsize = settings.getint("DOWNLOAD_MAXSIZE")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            reason = response_status_message(response.status)
        elif _empty(request, response):
            reason = "empty 200 answer"
        else:
            return response
        retry = await self._retry_later(request, reason, retry_after(response.headers.get("Retry-After")))
        if retry is not None:
            return retry
        if response.status == 200:
            raise EmptyResponse(f"200 answer with an empty body ({_attempts(request)})")
        return response  # the spider's errback records it as `HTTP <status>`

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        cut_off = too_large(exception, request.meta.get("download_maxsize", self.maxsize))
        if cut_off is not None:
            raise cut_off
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = await self._retry_later(request, exception, None)
        if retry is not None:
            return retry
        raise FetchFailed(f"{plain(exception)} ({_attempts(request)})")

    async def _retry_later(self, request: Request, reason, asked: float | None) -> Request | None:
        """The retry of `request` after its wait, or None: attempts used up, a pause
        asked for past PMKZ_MAX_RETRY_WAIT, or the crawl stopping meanwhile."""
        retries = request.meta.get("retry_times", 0)
        if retries >= request.meta.get("max_retry_times", self.max_retry_times):
            return self._retry_request(request, reason)  # logs and counts the give-up
        wait = retry_wait(retries + 1, self.backoff, self.max_wait, asked)
        if wait is None:
            self.crawler.stats.inc_value("pmkz/retry_after_too_long")
            logger.info("Not retrying %s in this run: Retry-After %.0f s is past PMKZ_MAX_RETRY_WAIT", request, asked)
            return None
        if not await self._wait(wait):
            return None  # the crawl is stopping: the page fails now and waits for the next run
        return self._retry_request(request, reason)

    def _retry_request(self, request: Request, reason) -> Request | None:
        # Scrapy's public helper, with the limits its own middleware would apply.
        meta = request.meta
        return get_retry_request(
            request, spider=self.crawler.spider, reason=reason,
            max_retry_times=meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=meta.get("give_up_log_level", self.give_up_log_level))

    async def _wait(self, seconds: float) -> bool:
        """Sleep in short steps, so a crawl told to stop does not sit out a long
        Retry-After; False if it is stopping."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not self.crawler.engine.running:
                return False
            await _sleep(min(left, 0.5))
        return self.crawler.engine.running


def _empty(request: Request, response: Response) -> bool:
    # An empty robots.txt is a valid one ("allow everything"), not a failed answer.
    return (response.status == 200 and not response.body and request.method != "HEAD"
            and urlparse_cached(request).path != "/robots.txt")


def _attempts(request: Request) -> str:
    n = request.meta.get("retry_times", 0) + 1
    return f"{n} attempt{'s' if n > 1 else ''}"


async def _sleep(seconds: float) -> None:
    # Imported here: the reactor must be the one Scrapy installs, not a default one.
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
