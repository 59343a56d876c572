"""Text normal form and the site's boilerplate phrases.

`normalize_text` gives one paragraph in the project's normal form (CONTRACT.md). The
patterns here recognise text that is never content: photo credits (a "Photo:" line, a
short line with a copyright mark), subscribe lines, app adverts, "read also" markers,
share labels, the site's generic description and the generic page names that galleries
use instead of a headline.
"""
from __future__ import annotations

import re
import unicodedata

# Zero-width characters are not white space to Python's `\s`, but editors scatter them
# between words exactly where a space belongs.
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
# What XML 1.0 cannot carry (its Char production): C0 controls but tab, newline and
# carriage return, lone surrogates, U+FFFE and U+FFFF. lxml refuses such a string, feeds
# cannot hold it, and a lone surrogate cannot even be encoded as UTF-8 for JSON.
_NOT_XML = {code: None for code in (*range(0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
            if chr(code) not in "\t\n\r"}
# Control characters (C0 but white space, DEL, C1; the parser turns NUL into U+FFFD)
# are never printed: they go, and
# with them the zero-width characters, which become a space.
_UNPRINTED = {**_NOT_XML,
              **{code: None for code in (*range(0x20), *range(0x7f, 0xa0), 0xfffd) if not chr(code).isspace()},
              **{ord(character): " " for character in _ZERO_WIDTH}}


def _any_of(codes) -> re.Pattern:
    """A pattern that finds any of the characters `codes`: a search for one is C code
    over the text, where str.translate looks every character up in a dict, so a text
    holding none of them (nearly every one) is passed over that much sooner."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]")


_HAS_NOT_XML = _any_of(_NOT_XML)
_HAS_UNPRINTED = _any_of(_UNPRINTED)

_CREDIT = r"(?:photo|photos|фото|фотография|сурет|суреттер|фотосурет|фото и видео|photo and video)"

# A credit's label alone ("Фото:"), its name in the next block.
CREDIT_LABEL = re.compile(rf"{_CREDIT}\s*:$", re.IGNORECASE)
# Where a credit starts inside a caption's line ("... Фото: Акорда", "... | © Agency",
# "...Credit...Name/Agency", "Image via Agency").
CREDIT_START = re.compile(rf"©|\b{_CREDIT}\s*:|\bcredits?\s*(?::|\.\.\.|…)|\b(?:image|photo|picture)\s+(?:via|by|courtesy)\b",
                          re.IGNORECASE)

# Whole-paragraph boilerplate known by how it starts (re.match on normalised text).
BOILERPLATE = tuple(re.compile(p, re.IGNORECASE) for p in (
    # Photo credits: "Photo: Официальный сайт Премьер-Министра РК", "Фото пресс-службы …".
    rf"{_CREDIT}\s*(?::|—|–|-|by\b|пресс-служб|предоставлен|из открытых|courtesy)\s*.{{0,120}}$",
    r"(?:share|поделиться|бөлісу|print|печать|басып шығару)\s*:?$",
    # Labels standing alone where an advert, a comment count or a link was.
    r"(?:advertisement|advertising|advert|ads?|sponsored|реклама|жарнама|anzeige|werbung|publicidad|"
    r"publicidade|pubblicità|publicité|iklan|comments?|комментарии|read more|подробнее|толығырақ|"
    r"subscribe|подписаться|trending)\s*:?$",
    # An embedded post's widget lines: its link to the post and its poster's handle.
    r"(?:view this post on instagram|посмотреть эту публикацию в instagram)\s*$",
    r"(?:a post shared by|публикация от|пост от)\b.{0,150}\(@[\w.]+\)",
    # A gallery's counter.
    r"(?:image|photo|picture|slide|фото|изображение|слайд|сурет)\s+\d+\s*(?:of|из|/)\s*\d+$",
    # A news agency's credits for the reporting and editing.
    r"\((?:additional )?reporting by\b.{0,300}\)$",
    r"(?:additional )?reporting by\b.{0,300}\bedit(?:ing|ed) by\b.{0,100}$",
    r"additional reporting by\b.{0,200}$",
    r"[^.]{0,120}\bcontributed (?:reporting|to this report)\b[^.]{0,120}\.?$",
    # Calls to follow or subscribe, labels of tags and of the reading time.
    r"follow\b.{0,100}\b(?:twitter|facebook|instagram|youtube|telegram|tiktok)\b.{0,80}$",
    r"(?:subscribe to|подпишитесь на|подписывайтесь на)\b.{0,150}$",
    r"(?:tags?|topics|filed under|теги|тэги|тегтер)\s*(?::.{0,200})?$",
    r"(?:continue reading(?: below)?|text size|read later|reading time|время чтения|tempo de leitura|lesezeit)"
    r"\b.{0,30}$",
))
# Boilerplate known by its words in whichever order they come: (longest such line, words
# of which one must occur, words of which another must occur), all lower case. A news
# paragraph that merely mentions a Telegram channel or an app has no call to action.
# Plain substring tests: regex lookaheads over Cyrillic cost 10-25 µs a paragraph.
BOILERPLATE_WORDS = (
    (400, ("telegram", "телеграм"), ("subscrib", "follow", "stay updated", "подпис", "следите", "жазыл")),
    (100, ("download", "скача", "загруз", "жүкте"),
     ("the app", "app for", "app store", "google play", "android", "приложени", "қосымша")),
    (200, ("newsletter", "рассылк", "inbox"), ("sign up", "subscribe to", "subscribe now", "подпиш")),
    (200, ("follow him", "follow her", "follow us", "follow me"), ("twitter", "facebook", "instagram", "@")),
)

# A short line with a copyright mark anywhere is a photo's or the page's credit
# ("© Агентство / Фотограф | Перейти в медиабанк", "Reuters / John Smith ©"), in any
# language. Not "(c)": lists in prose run "(a) …, (b) …, (c) …".
_CREDIT_LONGEST = 200

# A "read also" block starts with one of these (or is headed by a list title alone);
# the links after it go with it.
READ_ALSO = re.compile(
    r"^(?:(?:read also|читайте также|смотрите также|также читайте|читайте еще|"
    r"сондай-ақ оқыңыз|сондай-ақ қараңыз|оқи отырыңыз|тағы оқыңыз|"
    r"lesen sie auch|lesen sie mehr|mehr zum thema|à lire aussi|lire aussi|lee también|leggi anche)\b"
    # These lead prose too ("Related to this, ..."): a marker only with its colon.
    r"|(?:related|related post|see also|read more|see more|more|also|по теме|тақырып бойынша)\s*:"
    r"|(?:latest news|other news|последние новости|другие новости|популярное|"
    r"соңғы жаңалықтар|басқа жаңалықтар|you may also like|you might also like|"
    r"related (?:articles|stories|posts|news)|more stories|recommended(?: for you)?|"
    r"по теме|похожие новости|ähnliche beiträge|ähnliche artikel|weitere artikel|weiterführende links?|"
    r"weiterführender link|das könnte sie auch interessieren|sur le même sujet|articles similaires|"
    r"noticias relacionadas|te puede interesar|articoli correlati|more (?:[\w’']+ ){0,3}stories|most read(?: in [\w ]{1,30})?|"
    r"most popular|popular on [\w ]{1,30}|don['’]?t miss|самые популярные(?: \w+)?|самое читаемое|популярные статьи)"
    r"\s*[:.…]*$)",
    re.IGNORECASE,
)

# The page names of photo reports: such a page is a gallery.
GALLERY_TITLES = frozenset((
    "images", "image", "photos", "photo", "photo report", "photo gallery", "gallery", "фото",
    "фотографии", "фотоотчет", "фотоотчёт", "фотогалерея", "галерея", "суреттер", "сурет",
    "фотосуреттер", "фотогалереялар",
))
# Page names that galleries and section pages carry instead of a headline.
GENERIC_TITLES = GALLERY_TITLES | frozenset((
    "video", "videos", "news", "видео", "новости", "бейне", "бейнелер", "жаңалықтар",
))

# Names of the site, as in <title> suffixes and the generic meta description.
SITE_NAME = re.compile(
    r"primeminister\.kz|official information (?:source|resource) of the prime minister"
    r"|официальный информационный ресурс премьер-министра"
    r"|премьер-министрінің ресми ақпараттық ресурсы"
    r"|^(?:the )?prime minister of (?:the republic of )?kazakhstan$"
    r"|^премьер-министр(?:а)? (?:республики казахстан|рк)$"
    r"|^қр премьер-министрі$",
    re.IGNORECASE,
)
_TITLE_SEPARATOR = re.compile(r"\s+[|—–-]\s+")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (and JSON in UTF-8 neither)."""
    return text.translate(_NOT_XML) if _HAS_NOT_XML.search(text) else text


def normalize_text(text: str) -> str:
    """One paragraph in normal form: NFC, every white space run one space, stripped.

    str.split() splits on exactly the characters a regex's white space class matches
    (str.isspace) and is several times faster than that regex over Cyrillic text.
    """
    text = unicodedata.normalize("NFC", text)
    # Printable text has no white space but the ASCII space, and no zero-width
    # characters (format characters are not printable): only the ends may need work.
    # U+FFFD is printable, but here it stands for a NUL the HTML parser replaced.
    if text.isprintable() and "  " not in text and "\ufffd" not in text:
        return text.strip()
    if _HAS_UNPRINTED.search(text):
        text = text.translate(_UNPRINTED)
    return " ".join(text.split())


_PHOTO_CREDIT = BOILERPLATE[0]
# The start-anchored patterns in one, tried once per paragraph.
_ANY_BOILERPLATE = re.compile("|".join(f"(?:{p.pattern})" for p in (*BOILERPLATE, READ_ALSO)), re.IGNORECASE)
_LONGEST_BOILERPLATE = max(limit for limit, _, _ in BOILERPLATE_WORDS)


def is_credit(paragraph: str) -> bool:
    """True for a normalised paragraph that credits a photo ("Photo: ...", "© Agency / Name")."""
    return len(paragraph) <= _CREDIT_LONGEST and ("©" in paragraph or bool(_PHOTO_CREDIT.match(paragraph)))


def is_boilerplate(paragraph: str) -> bool:
    """True for a normalised paragraph that is site furniture, not article text."""
    if len(paragraph) > _LONGEST_BOILERPLATE:
        return False
    if _ANY_BOILERPLATE.match(paragraph):
        return True
    if len(paragraph) <= _CREDIT_LONGEST and "©" in paragraph:
        return True
    folded = paragraph.casefold()
    for limit, first, second in BOILERPLATE_WORDS:
        if len(paragraph) <= limit and any(w in folded for w in first) and any(w in folded for w in second):
            return True
    return False


def is_generic_title(title: str) -> bool:
    """True when a would-be headline is a page name ("Images") or the site's name."""
    bare = title.strip(" .:|-—").casefold()
    return not bare or bare in GENERIC_TITLES or bool(SITE_NAME.search(bare))


def is_site_description(text: str) -> bool:
    """True for the description the site puts on every page, which summarises nothing."""
    return bool(SITE_NAME.search(text)) and len(text) < 200


def strip_site_suffix(title: str) -> str:
    """`Headline | primeminister.kz` -> `Headline`; the site name goes, the rest stays."""
    while True:
        separators = list(_TITLE_SEPARATOR.finditer(title))
        if not separators:
            return title
        last, first = separators[-1], separators[0]
        if SITE_NAME.search(title[last.end():]):
            title = title[:last.start()]
        elif SITE_NAME.search(title[:first.start()]):
            title = title[first.end():]
        else:
            return title
