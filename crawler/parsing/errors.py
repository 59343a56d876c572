"""The one error the parsers raise for pages that are not articles."""


class NotAnArticle(ValueError):
    """The page has no headline, no publication date or no body; the message says which.

    `missing` names the record field that was not found ("title", "published",
    "body"), or is None when the page is no article page at all (a list, a PDF): run
    health counts pages by the field they lacked. `found` holds the field_sources of
    the fields found before it, for reports of what a markup still yields.
    """

    def __init__(self, message: str, missing: str | None = None, found: dict | None = None):
        super().__init__(message)
        self.missing = missing
        self.found = found or {}
