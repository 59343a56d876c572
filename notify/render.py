"""A message (notify/messages.py, notify/digest.py) as a person reads it in an email or a
chat: a subject line and an HTML body, which Apprise turns into each service's format
(plain text for an SMS, Markdown for ntfy, HTML for email).

Every text in the body comes from the site, so it is escaped: a headline holding markup
shows as text. A body is bounded whatever the run found: a first crawl of the whole site
lists the first items of each kind and counts the others, and a long edit is cut.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from pmkz.site import LANGUAGES

# The kinds told first, in this order; any other list of items a message carries (the
# kinds notify/messages.py adds) follows under its own name.
KINDS = ("new", "changed", "gone")
# Items listed per kind; the rest are counted ("and 40 more").
MOST_ITEMS = 30
# Characters of one edit's diff shown; the item page has the rest.
MOST_DIFF_CHARS = 1500


@dataclass(frozen=True)
class Links:
    """Where an item can be read: the archive's database in Datasette (`pmkz serve`'s
    https://archive.example.org/pmkz), if it is published; the site's page always."""
    browse_url: str | None = None

    def item_page(self, item: dict) -> str | None:
        # Datasette's own encoding of a row's key, imported here: a crawl with no
        # browse URL need not load Datasette.
        from datasette.utils import tilde_encode

        return f"{self.browse_url}/items/{tilde_encode(item['url'])}" if self.browse_url else None

    def archived_page(self, item: dict) -> str | None:
        capture = item.get("capture_id")
        return f"{self.browse_url}/-/archived/{capture}" if self.browse_url and capture else None


def item_lists(message: dict) -> dict[str, list[dict]]:
    """The message's lists of items by kind, the known kinds first."""
    found = {key: value for key, value in message.items()
             if isinstance(value, list) and value and all(isinstance(v, dict) and "url" in v for v in value)}
    return {kind: found[kind] for kind in (*KINDS, *sorted(set(found) - set(KINDS))) if kind in found}


def subject(message: dict) -> str:
    """`pmkz: 2 new, 1 changed, 1 gone (ru, kk)`; a saved search's names its words."""
    lists = item_lists(message)
    counts = ", ".join(f"{len(items)} {kind}" for kind, items in lists.items())
    found = {item.get("lang") for items in lists.values() for item in items}
    langs = [lang for lang in LANGUAGES if lang in found]
    watch = message.get("watch")
    head = f"pmkz «{watch['query']}»" if watch else ("pmkz daily digest" if "digest" in message else "pmkz")
    line = f"{head}: {counts or 'nothing new'}" + (f" ({', '.join(langs)})" if langs else "")
    if message.get("alerts"):
        line += f"; run {message['run']['id']} degraded"
    return line


def html_body(message: dict, links: Links) -> str:
    parts = [f"<p>{escape(line)}</p>" for line in message.get("alerts", [])]
    for kind, items in item_lists(message).items():
        parts.append(f"<h3>{escape(kind.capitalize())} ({len(items)})</h3>")
        parts.append("<ul>" + "".join(_item(item, links) for item in items[:MOST_ITEMS]) + "</ul>")
        if len(items) > MOST_ITEMS:
            parts.append(f"<p>and {len(items) - MOST_ITEMS} more</p>")
    return "\n".join(parts) or "<p>Nothing new.</p>"


def _item(item: dict, links: Links) -> str:
    # Each link's address is shown too: a channel of plain text (an SMS, a terminal)
    # keeps the words of the HTML, not its links.
    page = links.item_page(item) or item["url"]
    facts = ", ".join(escape(str(item[key])) for key in ("lang", "published_date", "significance") if item.get(key))
    title = f'<a href="{escape(page)}">{escape(item.get("title") or item["url"])}</a>'
    lines = [title + (f" ({facts})" if facts else ""), _shown(page)]
    archived = links.archived_page(item)
    if archived:
        lines.append("as archived: " + _shown(archived))
    diff = item.get("diff") or ""
    if len(diff) > MOST_DIFF_CHARS:
        diff = diff[:MOST_DIFF_CHARS] + " …"
    body = "<br>".join(lines)
    if diff:
        body += f'<pre style="white-space: pre-wrap">{escape(diff)}</pre>'
    return f"<li>{body}</li>"


def _shown(url: str) -> str:
    return f'<a href="{escape(url)}">{escape(url)}</a>'
