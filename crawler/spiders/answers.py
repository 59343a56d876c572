"""What the spider records of an answer: a response header, a failure in one line."""
from __future__ import annotations


def header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def failure_line(failure) -> str:
    """A failed request in one line: `HTTP 503` for an error answer, else the exception."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return error_line(failure.value)


def error_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0]}"[:300]
