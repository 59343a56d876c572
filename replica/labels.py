"""The site's languages and the words of its own furniture (navigation, boilerplate).

The boilerplate lines are those seen on the real pages (SITE.md); the crawler must
leave every one of them out of the body. The languages and their path prefixes are the
replica's own copy of SITE.md's facts, not pmkz.site's: the replica is the oracle the
crawler is tested against, and must not inherit a mistake of the crawler's.
"""
from __future__ import annotations

LANGUAGES = ("ru", "kk", "en")
# Kazakh pages live under /kz/.
LANG_PREFIX = {"ru": "ru", "kk": "kz", "en": "en"}

LABELS = {
    "ru": {
        "site": "Официальный информационный ресурс Премьер-Министра Республики Казахстан",
        "home": "Главная", "news": "Новости", "decisions": "Решения Правительства",
        "about": "О Премьер-Министре", "read_also": "Читайте также", "latest": "Последние новости",
        "share": "Поделиться", "all_news": "Все новости", "app": "Скачать приложение для Android",
        "photo": "Фото: Официальный сайт Премьер-Министра РК",
        "telegram": ("Будьте в курсе событий Премьер-Министра и Правительства Казахстана — ",
                     "подписывайтесь на официальный Telegram-канал"),
        "not_found": "Страница не найдена", "not_found_text": "Запрашиваемая страница не существует или была удалена.",
        "rights": "Все права защищены",
    },
    "kk": {
        "site": "ҚР Премьер-Министрінің ресми ақпараттық ресурсы",
        "home": "Басты бет", "news": "Жаңалықтар", "decisions": "Үкімет шешімдері",
        "about": "Премьер-Министр туралы", "read_also": "Сондай-ақ оқыңыз", "latest": "Соңғы жаңалықтар",
        "share": "Бөлісу", "all_news": "Барлық жаңалықтар", "app": "Android үшін қосымшаны жүктеп алыңыз",
        "photo": "Фото: ҚР Премьер-Министрінің ресми сайты",
        "telegram": ("Премьер-Министр мен Қазақстан Үкіметінің жаңалықтарынан хабардар болыңыз — ",
                     "ресми Telegram-арнаға жазылыңыз"),
        "not_found": "Бет табылмады", "not_found_text": "Сұралған бет жоқ немесе жойылған.",
        "rights": "Барлық құқықтар қорғалған",
    },
    "en": {
        "site": "Official Information Source of the Prime Minister of the Republic of Kazakhstan",
        "home": "Home", "news": "News", "decisions": "Government decisions",
        "about": "About the Prime Minister", "read_also": "Read also", "latest": "Latest news",
        "share": "Share", "all_news": "All news", "app": "Download the App for Android",
        "photo": "Photo: Официальный сайт Премьер-Министра РК",
        "telegram": ("Stay updated about the events of the Prime Minister and the Government of Kazakhstan - ",
                     "subscribe to the official Telegram channel"),
        "not_found": "Page not found", "not_found_text": "The page you requested does not exist or has been removed.",
        "rights": "All rights reserved",
    },
}

CATEGORY_NAMES = {
    "reviews": {"ru": "Обзоры", "kk": "Шолулар", "en": "Reviews"},
    "digital_office": {"ru": "Цифровой офис", "kk": "Цифрлық кеңсе", "en": "Digital office"},
    "asset_recovery": {"ru": "Возврат активов", "kk": "Активтерді қайтару", "en": "Asset recovery"},
    "viziti_i_poezdki": {"ru": "Визиты и поездки", "kk": "Сапарлар", "en": "Visits and trips"},
}

# The language switcher, in the site's order.
SWITCHER = (("ru", "РУС"), ("kk", "ҚАЗ"), ("en", "ENG"))

# The non-news pages the navigation links to: path under the language prefix -> per
# language (title, paragraphs).
STATIC_PAGES = {
    "decisions/19012024-20": {
        "ru": ("О порядке исчисления времени в Республике Казахстан", [
            "Постановление Правительства Республики Казахстан от 19 января 2024 года № 20.",
            "Установить на всей территории Республики Казахстан единый часовой пояс UTC+5 с 00 часов 00 минут 1 марта 2024 года.",
        ]),
        "kk": ("Қазақстан Республикасында уақытты есептеу тәртібі туралы", [
            "Қазақстан Республикасы Үкіметінің 2024 жылғы 19 қаңтардағы № 20 қаулысы.",
            "2024 жылғы 1 наурыздағы сағат 00:00-ден бастап Қазақстан Республикасының бүкіл аумағында UTC+5 бірыңғай сағаттық белдеуі белгіленсін.",
        ]),
        "en": ("On the procedure for calculating time in the Republic of Kazakhstan", [
            "Resolution of the Government of the Republic of Kazakhstan dated 19 January 2024 No. 20.",
            "A single time zone UTC+5 is established throughout the territory of the Republic of Kazakhstan from 00:00 on 1 March 2024.",
        ]),
    },
    "about": {
        "ru": ("Премьер-Министр Республики Казахстан", [
            "Бектенов Олжас Абаевич назначен Премьер-Министром Республики Казахстан Указом Главы государства от 6 февраля 2024 года.",
        ]),
        "kk": ("Қазақстан Республикасының Премьер-Министрі", [
            "Олжас Абайұлы Бектенов Мемлекет басшысының 2024 жылғы 6 ақпандағы Жарлығымен Қазақстан Республикасының Премьер-Министрі болып тағайындалды.",
        ]),
        "en": ("Prime Minister of the Republic of Kazakhstan", [
            "Olzhas Bektenov was appointed Prime Minister of the Republic of Kazakhstan by Decree of the Head of State of 6 February 2024.",
        ]),
    },
}
