"""English phrase bank: the site's English voice ("Head of the Government", British spelling).

Slots as in `replica.phrases_ru`; English needs no cases, so the case slots repeat the
nominative where a template of another language would need them.
"""

# (first day in office, name, name again: English has no genitive to add)
PRIME_MINISTERS = [
    ("2014-04-02", "Karim Massimov", "Karim Massimov"),
    ("2016-09-09", "Bakytzhan Sagintayev", "Bakytzhan Sagintayev"),
    ("2019-02-25", "Askar Mamin", "Askar Mamin"),
    ("2022-01-11", "Alikhan Smailov", "Alikhan Smailov"),
    ("2024-02-06", "Olzhas Bektenov", "Olzhas Bektenov"),
]
HEADS_OF_STATE = [
    ("1991-12-16", "Head of State Nursultan Nazarbayev", "Head of State Nursultan Nazarbayev"),
    ("2019-03-20", "Head of State Kassym-Jomart Tokayev", "Head of State Kassym-Jomart Tokayev"),
]

MINISTRIES = [
    {"ministry": f"Ministry of {x}", "ministry_gen": f"Ministry of {x}", "ministry_dat": f"Ministry of {x}"}
    for x in (
        "Energy", "Finance", "National Economy", "Agriculture", "Industry and Construction",
        "Digital Development, Innovation and Aerospace Industry", "Healthcare", "Education",
        "Transport", "Water Resources and Irrigation", "Labour and Social Protection of the Population",
        "Emergency Situations",
    )
]

REGIONS = [
    {"region": r, "region_gen": r, "region_in": f"in {r}", "region_to": f"to {r}"}
    for r in (
        "Pavlodar region", "Karaganda region", "Turkistan region", "East Kazakhstan region",
        "Aktobe region", "Atyrau region", "Mangystau region", "Kostanay region", "Zhambyl region",
        "Kyzylorda region", "West Kazakhstan region", "North Kazakhstan region", "Akmola region",
        "Abai region", "Zhetysu region", "Ulytau region", "Astana", "Almaty", "Shymkent",
    )
]

TOPICS = [
    "development of the agro-industrial complex", "modernisation of housing and utilities",
    "preparation for the heating season", "digitalisation of public services", "water security",
    "development of transport and logistics infrastructure", "attraction of investments",
    "construction of affordable housing", "development of the manufacturing industry",
    "preparation for the spring floods", "price stability for socially significant food products",
    "development of the tourism industry", "return of illegally withdrawn assets",
]

HEADLINES = [
    "{pm} holds meeting on {topic}",
    "Government discusses issues of {topic}",
    "{pm} makes working trip {region_to}",
    "Issues of {topic} considered at Government meeting",
    "{pm} meets with business representatives of {region}",
    "Prime Minister instructs to strengthen control over {topic}",
    "Government approves comprehensive plan for {topic}",
]
GALLERY_HEADLINES = [
    "Photo report: {pm} visits {region}",
    "Photo report: working trip of the Prime Minister {region_to}",
]

SUMMARIES = [
    "The meeting considered issues of {topic}.",
    "Prime Minister instructed the {ministry} to ensure timely execution of the instructions of the Head of State.",
    "Head of the Government got acquainted with the progress of investment projects {region_in}.",
    "Measures to improve the efficiency of the {ministry} were discussed.",
]

LEADS = [
    "Prime Minister of the Republic of Kazakhstan {pm} held a meeting on {topic}.",
    "A Government meeting chaired by Prime Minister {pm} considered issues of {topic}.",
    "During his working trip {region_to}, Prime Minister {pm} got acquainted with the progress of {topic}.",
]

SENTENCES = [
    "The meeting was attended by heads of central state bodies, regional akimats and national companies.",
    "Reports were made by the leadership of the {ministry} and akims of the regions.",
    "As {pm} noted, the work is being carried out as part of the instructions of the {head}.",
    "Following the results of {year_prev}, the volume of investments in the industry grew by {pct}%.",
    "This year it is planned to implement {n} projects worth more than {bn} billion tenge.",
    "More than {jobs} thousand new jobs will be created.",
    "Prime Minister instructed the {ministry}, together with akimats, to ensure control over the quality and timing of the work.",
    "Special attention was paid to the issues of {topic}.",
    "Head of the Government stressed that all activities must be completed by the end of {year}.",
    "{region_in} this work is carried out according to the approved roadmap.",
    "It was noted that {n} social facilities have been built {region_in} in recent years.",
    "The meeting also discussed digitalisation and reducing the administrative burden on business.",
    "According to the {ministry}, the level of fulfilment of planned indicators amounted to {pct2}%.",
    "The Government will continue systematic work to improve the quality of life of citizens.",
    "Responsible state bodies were instructed to strengthen interdepartmental cooperation.",
    "In addition, {pm} instructed to work out additional measures to support domestic producers.",
    "Following the meeting, specific instructions were given.",
    "Recall that earlier the {head} set the task of ensuring the growth of the economy and incomes of the population.",
    "The implementation of the projects will increase tax revenues and provide employment for the local population.",
    "Prime Minister called the work of the {ministry} “insufficiently effective” and instructed to take measures.",
    "The “Business Roadmap” programme remains one of the main instruments of support for entrepreneurs.",
]

QUOTES = [
    "“It is necessary to ensure timely and high-quality execution of all instructions of the Head of State. Every project must bring real results to people,” {pm} emphasised.",
    "“We must increase the efficiency of work on {topic}. Control over execution will be strengthened,” Prime Minister noted.",
    "“It is important to prevent delays. All works must be completed with high quality,” Head of the Government said.",
    "“The Government will provide comprehensive support to domestic enterprises,” {pm} stated.",
]
