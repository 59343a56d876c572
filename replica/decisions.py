"""The government's decisions on the replica: each language's resolutions, their pages
and their attached files.

SITE.md knows one decision page, `/ru/decisions/19012024-20` (the decree that moved the
country to UTC+5): the path is the decision's own date and number. Nothing public says
what the page shows, so the replica shows what such pages usually do: the title, the
number and date, the date it was published (a few days later), a short text, and the
decree itself in attached files (a PDF, and for some a DOCX) whose text is not on the
page. The real decree is the first decision; the others are drawn from the seed.

Each skin keeps the section under a path and menu label of its own (`SECTIONS`), so a
crawler finds it only by reading the site's menus, not by knowing `/decisions/`. A
skin without a decision template has no decisions section.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pmkz.replica import attached_files, clock
from pmkz.replica.datefmt import MONTHS
from pmkz.replica.labels import LANG_PREFIX, LANGUAGES, STATIC_PAGES
from pmkz.replica.seeding import rng

MAX_DECISIONS = 1000
# What `pmkz replica` serves unless told: a few decisions, so that every replica (and its
# --dump-truth) holds the three kinds in every language and both skins.
DEFAULT_DECISIONS = 3
TEMPLATE = "decision.html"
# Skin -> the section's path segment; skins not named here use `DEFAULT_SECTION`.
SECTIONS = {"modern": "documents"}
DEFAULT_SECTION = "decisions"
MENU_LABELS = {
    "decisions": {"ru": "Решения", "kk": "Шешімдер", "en": "Decisions"},
    "documents": {"ru": "Постановления", "kk": "Қаулылар", "en": "Resolutions"},
}
PAGE_LABELS = {
    "ru": {"published": "Опубликовано", "files": "Файлы", "kind": "Постановление Правительства Республики Казахстан",
           "number": "№ {number} от {date}", "next": "Далее"},
    "kk": {"published": "Жарияланды", "files": "Файлдар", "kind": "Қазақстан Республикасы Үкіметінің қаулысы",
           "number": "{date} № {number}", "next": "Келесі"},
    "en": {"published": "Published", "files": "Files", "kind": "Resolution of the Government of the Republic of Kazakhstan",
           "number": "No. {number} of {date}", "next": "Next"},
}
PER_PAGE = 20
FILES_PATH = "/upload/docs"
DECREE = ("decisions/19012024-20", 20, date(2024, 1, 19), date(2024, 1, 22))

# Parallel across languages: a decision's subject, in each language's title form.
SUBJECTS = (
    {"ru": "Об утверждении Правил субсидирования сельскохозяйственных кооперативов",
     "kk": "Ауыл шаруашылығы кооперативтерін субсидиялау қағидаларын бекіту туралы",
     "en": "On approval of the Rules for subsidising agricultural cooperatives"},
    {"ru": "О внесении изменений в постановление о республиканском бюджете",
     "kk": "Республикалық бюджет туралы қаулыға өзгерістер енгізу туралы",
     "en": "On amendments to the resolution on the republican budget"},
    {"ru": "О мерах по развитию водного хозяйства",
     "kk": "Су шаруашылығын дамыту жөніндегі шаралар туралы",
     "en": "On measures to develop water management"},
    {"ru": "Об утверждении Комплексного плана развития туризма",
     "kk": "Туризмді дамытудың кешенді жоспарын бекіту туралы",
     "en": "On approval of the Comprehensive plan for tourism development"},
    {"ru": "О выделении средств из резерва Правительства",
     "kk": "Үкімет резервінен қаражат бөлу туралы",
     "en": "On the allocation of funds from the Government reserve"},
    {"ru": "О некоторых вопросах цифровизации государственных услуг",
     "kk": "Мемлекеттік қызметтерді цифрландырудың кейбір мәселелері туралы",
     "en": "On some issues of digitalisation of public services"},
)
# Words of the attachments only (no page or phrase bank has them): what a search must
# find inside a decree.
FILE_TERMS = {
    "ru": ("агролесомелиорации", "тарификации", "рекультивации", "геологоразведки", "водоотведения",
           "лесовосстановления"),
    "kk": ("агроорманмелиорациясы", "тарификациялау", "рекультивациялау", "геологиялықбарлау",
           "суағызу", "орманқалпына"),
    "en": ("agroforestry", "tariffication", "recultivation", "prospecting", "wastewater", "reforestation"),
}
FILE_TEXT = {
    "ru": ("Приложение к постановлению Правительства Республики Казахстан от {date} года № {number}",
           "1. Настоящие правила определяют порядок {term} и контроля за ним.",
           "2. Исполнение возлагается на центральные и местные исполнительные органы.",
           "Пояснительная записка к проекту постановления № {number}",
           "Проект направлен на упорядочение {term} в регионах."),
    "kk": ("Қазақстан Республикасы Үкіметінің {date} № {number} қаулысына қосымша",
           "1. Осы қағидалар {term} тәртібін айқындайды.",
           "2. Орындау орталық және жергілікті атқарушы органдарға жүктеледі.",
           "№ {number} қаулы жобасына түсіндірме жазба",
           "Жоба өңірлерде {term} ретке келтіруге бағытталған."),
    "en": ("Annex to the resolution of the Government of the Republic of Kazakhstan of {date} No. {number}",
           "1. These rules set out the procedure for {term} and its control.",
           "2. Execution is entrusted to the central and local executive bodies.",
           "Explanatory note to the draft resolution No. {number}",
           "The draft aims to put {term} in order in the regions."),
}
BODY_TEXT = {
    "ru": ("{kind} от {date} года № {number}.",
           "Правительство Республики Казахстан постановляет утвердить прилагаемый документ.",
           "Настоящее постановление вводится в действие со дня его первого официального опубликования."),
    "kk": ("{kind} {date} № {number}.",
           "Қазақстан Республикасының Үкіметі қоса беріліп отырған құжатты бекітсін.",
           "Осы қаулы алғашқы ресми жарияланған күнінен бастап қолданысқа енгізіледі."),
    "en": ("{kind} of {date} No. {number}.",
           "The Government of the Republic of Kazakhstan resolves to approve the attached document.",
           "This resolution comes into force from the day of its first official publication."),
}


@dataclass(frozen=True)
class Attachment:
    name: str  # the file's name: the decision's slug and the format's extension
    paragraphs: tuple[str, ...]  # its text, as a reader extracts it

    @property
    def content_type(self) -> str:
        return attached_files.PDF_TYPE if self.name.endswith(".pdf") else attached_files.DOCX_TYPE

    def data(self) -> bytes:
        make = attached_files.pdf if self.name.endswith(".pdf") else attached_files.docx
        return make(list(self.paragraphs))


@dataclass(frozen=True)
class Decision:
    lang: str
    number: int
    decided: date
    published: date
    title: str
    paragraphs: tuple[str, ...]
    attachments: tuple[Attachment, ...]

    @property
    def slug(self) -> str:
        return f"{self.decided:%d%m%Y}-{self.number}"

    def path(self, section: str) -> str:
        return f"/{LANG_PREFIX[self.lang]}/{section}/{self.slug}"

    def file_path(self, attachment: Attachment) -> str:
        return f"{FILES_PATH}/{LANG_PREFIX[self.lang]}/{attachment.name}"


def section_of(skin: str, template_dirs: list[Path]) -> str | None:
    """The decisions section's path segment in `skin` (its templates in `template_dirs`),
    or None when the skin shows none."""
    if not any((directory / TEMPLATE).is_file() for directory in template_dirs):
        return None
    return SECTIONS.get(skin, DEFAULT_SECTION)


def long_date(lang: str, day: date) -> str:
    month = MONTHS[lang][day.month - 1]
    return f"{day.year} жылғы {day.day} {month}" if lang == "kk" else f"{day.day} {month} {day.year}"


def _decision(lang: str, number: int, decided: date, published: date, title: str,
              paragraphs: tuple[str, ...], term: str, with_docx: bool) -> Decision:
    fields = {"date": long_date(lang, decided), "number": number, "term": term}
    text = [line.format(**fields) for line in FILE_TEXT[lang]]
    slug = f"{decided:%d%m%Y}-{number}"
    attachments = [Attachment(f"{slug}.pdf", tuple(text[:3]))]
    if with_docx:
        attachments.append(Attachment(f"{slug}.docx", tuple(text[3:])))
    return Decision(lang, number, decided, published, title, paragraphs, tuple(attachments))


def _decree(lang: str) -> Decision:
    page, number, decided, published = DECREE
    title, paragraphs = STATIC_PAGES[page][lang]
    return _decision(lang, number, decided, published, title, tuple(paragraphs), FILE_TERMS[lang][0], True)


def build(seed: int, count: int) -> dict[str, list[Decision]]:
    """lang -> `count` decisions, newest published first: the real decree and `count - 1`
    drawn from the seed, the same ones in every language."""
    if not 0 <= count <= MAX_DECISIONS:
        raise ValueError(f"decisions must be between 0 and {MAX_DECISIONS}, not {count}")
    r = rng(seed, "decisions")
    first, last = clock.FIRST_DAY.date(), clock.NOW.date() - timedelta(days=7)
    drawn, slugs = [], {(DECREE[2], DECREE[1])}
    while len(drawn) < count - 1:
        decided = first + timedelta(days=r.randrange((last - first).days))
        number = r.randint(1, 1 + 3 * decided.timetuple().tm_yday)
        if (decided, number) in slugs:
            continue
        slugs.add((decided, number))
        drawn.append((number, decided, decided + timedelta(days=r.randint(1, 6)), r.randrange(len(SUBJECTS)),
                      r.randrange(len(FILE_TERMS["ru"])), r.random() < 0.5))
    site = {}
    for lang in LANGUAGES:
        decisions = [_decree(lang)] if count else []
        for number, decided, published, subject, term, with_docx in drawn:
            fields = {"kind": PAGE_LABELS[lang]["kind"], "date": long_date(lang, decided), "number": number}
            paragraphs = tuple(line.format(**fields) for line in BODY_TEXT[lang])
            decisions.append(_decision(lang, number, decided, published, SUBJECTS[subject][lang], paragraphs,
                                       FILE_TERMS[lang][term], with_docx))
        site[lang] = sorted(decisions, key=lambda d: (d.published, d.decided, d.number), reverse=True)
    return site


def find(decisions: dict[str, list[Decision]], section: str, path: str) -> Decision | None:
    return next((d for ds in decisions.values() for d in ds if d.path(section) == path), None)


def find_file(decisions: dict[str, list[Decision]], path: str) -> Attachment | None:
    return next((a for ds in decisions.values() for d in ds for a in d.attachments if d.file_path(a) == path), None)


def record(decision: Decision, section: str, base_url: str) -> dict:
    """The decision as the record of ARCHITECTURE.md, kind `decision`."""
    return {
        "url": base_url + decision.path(section),
        "site_id": None,
        "lang": decision.lang,
        "kind": "decision",
        "category": None,
        "title": decision.title,
        "published_date": decision.published.isoformat(),
        "published_at": None,
        "summary": None,
        "body": "\n\n".join(decision.paragraphs),
        "image_urls": [],
        "translations": {lang: base_url + f"/{LANG_PREFIX[lang]}/{section}/{decision.slug}"
                         for lang in LANGUAGES if lang != decision.lang},
        "decision_number": str(decision.number),
        "decision_date": decision.decided.isoformat(),
        "attachment_urls": [base_url + decision.file_path(a) for a in decision.attachments],
    }


def page_context(decision: Decision, section: str) -> dict:
    labels = PAGE_LABELS[decision.lang]
    return {
        "decision": decision, "section_path": f"/{LANG_PREFIX[decision.lang]}/{section}",
        "section_label": MENU_LABELS[section][decision.lang], "decision_labels": labels,
        "number_line": labels["number"].format(number=decision.number, date=f"{decision.decided:%d.%m.%Y}"),
        "published": f"{decision.published:%d.%m.%Y}",
        "files": [{"path": decision.file_path(a), "format": a.name.rsplit(".", 1)[1].upper(),
                   "size": len(a.data())} for a in decision.attachments],
        "translations": {lang: f"/{LANG_PREFIX[lang]}/{section}/{decision.slug}" for lang in LANGUAGES},
    }


def list_context(decisions: list[Decision], lang: str, section: str, page: int) -> dict | None:
    """The list page `page` (from 1) of a language's decisions, or None past the end."""
    pages = max(1, -(-len(decisions) // PER_PAGE))
    if not 1 <= page <= pages:
        return None
    root = f"/{LANG_PREFIX[lang]}/{section}"
    return {
        "section_path": root, "section_label": MENU_LABELS[section][lang], "decision_labels": PAGE_LABELS[lang],
        "items": [{"path": d.path(section), "title": d.title, "date": f"{d.published:%d.%m.%Y}",
                   "number_line": PAGE_LABELS[lang]["number"].format(number=d.number, date=f"{d.decided:%d.%m.%Y}")}
                  for d in decisions[(page - 1) * PER_PAGE: page * PER_PAGE]],
        "next_path": f"{root}?page={page + 1}" if page < pages else None,
    }
