"""The one error the parsers raise for pages that are not articles."""


class NotAnArticle(ValueError):
    """The page has no headline, no publication date or no body; the message says which."""
