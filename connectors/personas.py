"""Who the buyer is: persona from job title, region from country, segment from company size.

Small keyword and lookup tables on purpose: they are meant to be read and edited by the
people who know the company's market, and every unknown value falls into a visible bucket
("Other", or no region) instead of a guess.
"""
from __future__ import annotations

import re

import pandas as pd

from connectors.values import by_unique, clean

PERSONAS = ("Executive", "Marketing", "Sales", "IT/Engineering", "Finance", "Operations", "Other")

# checked in this order: the first bucket whose pattern matches the title wins
_PERSONA_PATTERNS = (
    ("Executive", r"\bc[a-z]?[eomfitr]o\b|\bchief\b|\bfounder\b|co-?founder|(?<!vice )\bpresident\b"
                  r"|\bowner\b|managing director|\bmanaging partner\b|\bgeneral manager\b|\bexecutive director\b"),
    ("Operations", r"rev ?ops|revenue operations|sales operations|sales ops"),
    ("Marketing", r"marketing|marketer|demand gen|\bgrowth\b|\bbrand\b|\bcontent\b|communications|\bseo\b"
                  r"|\bcampaigns?\b|\bpr\b|public relations|\bsocial media\b|\bevents?\b"),
    ("Sales", r"\bsales\b|account exec|account manager|business development|\bbdr\b|\bsdr\b|\bae\b"
              r"|\brevenue\b|\bpartnerships?\b|\bchannel\b|\bcommercial\b|customer success"),
    ("IT/Engineering", r"\bit\b|engineer|developer|architect|technolog|information|\bdata\b|devops|software"
                       r"|security|infrastructure|\bsystems?\b|technical|\bcto\b|\bcio\b|programmer|analytics"),
    ("Finance", r"financ|\bcfo\b|accounting|accountant|controller|treasur|procurement|purchasing|\bfp&a\b"),
    ("Operations", r"operations|\bops\b|supply chain|logistics|\bhr\b|human resources|\bpeople\b|admin"
                   r"|facilities|project manager|program manager|\bcoo\b"),
)
_PERSONA_RES = tuple((name, re.compile(pattern, re.I)) for name, pattern in _PERSONA_PATTERNS)


def persona_for_title(title: str | None) -> str | None:
    """The persona bucket of one job title; None when there is no title."""
    if title is None or not str(title).strip():
        return None
    text = str(title).strip()
    exact = {p.lower(): p for p in PERSONAS}
    if text.lower() in exact:             # already a bucket name
        return exact[text.lower()]
    for name, pattern in _PERSONA_RES:
        if pattern.search(text):
            return name
    return "Other"


def personas(titles: pd.Series) -> pd.Series:
    return by_unique(clean(titles), lambda u: u.map(persona_for_title).astype("str")).astype("str")


# ---- region -------------------------------------------------------------------------------------

REGIONS = ("North America", "EMEA", "APAC", "LATAM")

# names and ISO codes, lower-case, "|"-separated
_COUNTRIES = {
    "North America": "us|usa|u.s.|u.s.a.|united states|united states of america|ca|canada",
    "LATAM": "mx|mexico|méxico|br|brazil|brasil|ar|argentina|cl|chile|co|colombia|pe|peru|perú|uy|uruguay"
             "|cr|costa rica|pa|panama|ec|ecuador|ve|venezuela|gt|guatemala|do|dominican republic|pr|puerto rico",
    "EMEA": "gb|uk|united kingdom|great britain|england|scotland|wales|northern ireland|ie|ireland|de|germany"
            "|deutschland|fr|france|nl|netherlands|the netherlands|holland|be|belgium|lu|luxembourg|es|spain"
            "|españa|pt|portugal|it|italy|italia|ch|switzerland|at|austria|se|sweden|no|norway|dk|denmark"
            "|fi|finland|is|iceland|pl|poland|cz|czech republic|czechia|sk|slovakia|hu|hungary|ro|romania"
            "|bg|bulgaria|gr|greece|hr|croatia|si|slovenia|rs|serbia|ee|estonia|lv|latvia|lt|lithuania|ua|ukraine"
            "|tr|turkey|türkiye|il|israel|ae|uae|united arab emirates|sa|saudi arabia|qa|qatar|kw|kuwait"
            "|bh|bahrain|om|oman|eg|egypt|ma|morocco|za|south africa|ng|nigeria|ke|kenya|gh|ghana|jo|jordan"
            "|lb|lebanon|cy|cyprus|mt|malta",
    "APAC": "au|australia|nz|new zealand|jp|japan|cn|china|in|india|sg|singapore|hk|hong kong|kr|south korea"
            "|korea|republic of korea|tw|taiwan|id|indonesia|my|malaysia|ph|philippines|th|thailand|vn|vietnam"
            "|viet nam|pk|pakistan|bd|bangladesh|lk|sri lanka",
}
COUNTRY_REGION = {name: region for region, names in _COUNTRIES.items() for name in names.split("|")}
_REGION_ALIASES = {"na": "North America", "north america": "North America", "noram": "North America",
                   "amer": "North America", "emea": "EMEA", "europe": "EMEA", "eu": "EMEA", "apac": "APAC",
                   "apj": "APAC", "asia pacific": "APAC", "asia": "APAC", "latam": "LATAM",
                   "latin america": "LATAM", "south america": "LATAM"}


def region_for_country(country: str | None) -> str | None:
    if country is None or not str(country).strip():
        return None
    key = re.sub(r"\s+", " ", str(country).strip().lower())
    return COUNTRY_REGION.get(key) or _REGION_ALIASES.get(key)


def regions_from_countries(countries: pd.Series) -> pd.Series:
    return by_unique(clean(countries), lambda u: u.map(region_for_country).astype("str")).astype("str")


def normalise_regions(regions: pd.Series) -> pd.Series:
    """Region text as exported ("EMEA", "Europe", "NA") -> one of REGIONS, missing when unknown."""
    def convert(u: pd.Series) -> pd.Series:
        exact = {r.lower(): r for r in REGIONS}
        return u.map(lambda v: exact.get(v.lower()) or region_for_country(v)).astype("str")
    return by_unique(clean(regions), convert).astype("str")


# ---- segment ------------------------------------------------------------------------------------

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")


def segments_from_employees(employees: pd.Series) -> pd.Series:
    """<200 SMB, 200-1999 Mid-Market, >=2000 Enterprise; missing when the size is unknown."""
    n = pd.to_numeric(employees, errors="coerce")
    out = pd.Series(None, index=employees.index, dtype="str")
    out[n < 200] = "SMB"
    out[(n >= 200) & (n < 2000)] = "Mid-Market"
    out[n >= 2000] = "Enterprise"
    return out


def normalise_segments(segments: pd.Series) -> pd.Series:
    def convert(u: pd.Series) -> pd.Series:
        key = u.str.lower().str.replace(r"[^a-z]", "", regex=True)
        table = {"smb": "SMB", "smallbusiness": "SMB", "small": "SMB", "midmarket": "Mid-Market", "mid": "Mid-Market",
                 "mm": "Mid-Market", "enterprise": "Enterprise", "ent": "Enterprise", "large": "Enterprise"}
        return key.map(table).astype("str")
    return by_unique(clean(segments), convert).astype("str")
