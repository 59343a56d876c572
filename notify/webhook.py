"""POSTs one JSON message per crawl run to PMKZ_WEBHOOK_URL, retrying with backoff."""
from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request

log = logging.getLogger(__name__)


def post_json(url: str, payload: dict, *, attempts: int = 4, backoff: float = 1.0, timeout: float = 15) -> bool:
    """True once the receiver answers 2xx; False after the last attempt fails."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url, data=data, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "pmkz"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return True
                reason = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            reason = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            reason = str(getattr(error, "reason", error))
        log.warning("webhook attempt %d of %d failed: %s", attempt, attempts, reason)
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    return False
