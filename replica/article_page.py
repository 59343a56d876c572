"""What an article page shows, in page order, ready for the skin's article template.

The page carries everything the crawler must see through: images before and inside the
body (some lazy-loaded), empty and boilerplate paragraphs in the body, a gallery grid of
thumbnails linking to the originals, "read also" links with other articles' thumbnails,
and a sidebar of latest news with dates of their own after the article.
"""
from __future__ import annotations

from markupsafe import Markup

from pmkz.replica.labels import LANG_PREFIX

from pmkz.replica import datefmt, noise
from pmkz.replica.labels import LABELS
from pmkz.replica.model import Article, Site
from pmkz.replica.seeding import rng
from pmkz.replica.versions import versions

# A 1x1 transparent GIF: what a lazy-loading image shows until its data-src is loaded.
PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
TELEGRAM = "https://t.me/PrimeMinisterKZ"


def image(name: str, lazy: bool, alt: str) -> Markup:
    src = f"/assets/media/{name}"
    if lazy:
        return Markup('<img class="lazy" src="{}" data-src="{}" alt="{}">').format(PLACEHOLDER, src, alt)
    return Markup('<img src="{}" alt="{}">').format(src, alt)


def thumbnail(article: Article) -> str:
    images = article.facts.images
    return f"/assets/media/thumbs/{images[0]}" if images else "/assets/img/no-image.png"


def _body(article: Article, r) -> list[Markup]:
    """The blocks of `.article__body`: paragraphs with noise, the second news image after
    the second paragraph, a gallery's grid, each image with its caption, then the photo
    credit and Telegram line."""
    lang, facts, captions = article.lang, article.facts, article.image_captions
    prefix = LANG_PREFIX[lang]
    links = [f"https://www.akorda.kz/{'kz' if lang == 'kk' else lang}", f"/{prefix}/decisions/19012024-20", f"/{prefix}/news"]
    paragraphs = article.paragraphs
    figure_after = min(1, len(paragraphs) - 1)
    blocks = []
    for i, text in enumerate(paragraphs):
        blocks.append(noise.paragraph(text, rng(article.seed, "noise", article.path, i), lang, links))
        if i == figure_after and facts.kind == "news" and len(facts.images) > 1:
            blocks.append(Markup('<figure class="article__figure">{}<figcaption>{}</figcaption></figure>').format(
                image(facts.images[1], r.random() < 0.4, article.headline), captions[facts.images[1]]))
        blocks.append(noise.empty_paragraph(r))
    if facts.kind == "gallery":
        items = Markup("").join(
            Markup('<figure class="article__gallery-item"><a href="/assets/media/{0}"><img src="/assets/media/thumbs/{0}" alt="">'
                   '</a><figcaption>{1}</figcaption></figure>').format(name, captions[name])
            for name in facts.images)
        blocks.append(Markup('<div class="article__gallery">{}</div>').format(items))
    labels = LABELS[lang]
    if facts.images:
        blocks.append(Markup("<p><em>{}</em></p>").format(labels["photo"]))
    text, link = labels["telegram"]
    blocks.append(Markup('<p><strong>{}<a href="{}" target="_blank">{}</a></strong></p>').format(text, TELEGRAM, link))
    return [block for block in blocks if block]


def context(site: Site, article: Article, base_url: str) -> dict:
    r = rng(site.seed, "page", article.path)
    facts = article.facts
    gallery = facts.kind == "gallery"
    first = facts.images[0] if facts.images and not gallery else None
    return {
        # Photo reports were seen with these titles on the real site, in every language.
        "html_title": "Images | primeminister.kz" if gallery else f"{article.headline} | primeminister.kz",
        "og_title": "Images" if gallery else article.headline,
        "summary": facts.summary,
        "og_image": f"{base_url}/assets/media/{facts.images[0]}" if facts.images else f"{base_url}/assets/img/logo.png",
        "canonical": base_url + article.path,
        "category": facts.category,
        "headline": noise.headline(article.headline, r),
        # For skins that print the date their own way.
        "published": article.published, "shows_time": facts.shows_time,
        # The date's form has a stream of its own, so an edit elsewhere does not change it.
        "date": datefmt.article_date(article.lang, article.published, facts.shows_time,
                                     rng(site.seed, "date form", article.path)),
        "lead_image": image(first, r.random() < 0.4, article.headline) if first else None,
        # Skins print it under the lead image, in its <figure>.
        "lead_caption": article.image_captions[first] if first else None,
        "body": _body(article, r),
        "read_also": [
            {"path": a.path, "headline": a.headline, "thumb": thumbnail(a)} for a in site.neighbours(article, 3)
        ],
        "latest": [
            {"path": a.path, "headline": a.headline, "date": datefmt.list_date(a.published)}
            for a in site.live[article.lang][:6] if a is not article
        ][:5],
        # The language switcher links these versions; other languages go to their home.
        "translations": {lang: other.path for lang, other in versions(site, article).items()},
    }
