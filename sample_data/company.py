"""Simulation of Acme Cloud, a B2B software company, over the two years ending at `as_of`.

The simulation works in plain numbers (seconds since the epoch, integer cents, integer
codes into small vocabularies) with vectorised numpy, so scale 10 (millions of page views)
runs in seconds; writers.py turns the result into the tools' export layouts.

The story it tells, with noise, and which the demo exists to show:
- buyers read content (blog, guides, case studies, comparison and pricing pages, webinars,
  videos) before the first sales meeting, first anonymously and, once they fill a form, under
  their CRM id, so identity stitching decides how much of it is visible;
- the more distinct assets a deal's buying committee read before the first meeting, the more
  often and the faster it is won (about 32% vs 18% win rate for read vs did not read);
- events and paid social cost more than the revenue they bring; content/SEO and webinars pay back;
- marketing sources roughly 35-45% of pipeline by lead source, while the CMO believes ~60%
  and sales leaders ~15-20% (the perception survey).

Every random draw comes from one numpy Generator seeded by `seed`, in a fixed order; nothing
reads the wall clock. Same seed, scale and as_of give the same Company.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re

import numpy as np
import pandas as pd

from data_models.channels import CHANNELS, MARKETING_CHANNELS, lead_source_channel, source_group
from sample_data import vocab

DAY = 86_400
DEFAULT_AS_OF = dt.date(2026, 11, 20)
HISTORY_DAYS = 730
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
CH = {name: i for i, name in enumerate(CHANNELS)}
ASSET_TYPES = ("blog", "guide", "case_study", "comparison", "pricing", "webinar", "video")

# web traffic sources: (GA4 traffic_source.source, .medium, .name or None = campaign name, referrer)
SOURCES = (
    ("google", "organic", "(organic)", "https://www.google.com/"),
    ("bing", "organic", "(organic)", "https://www.bing.com/"),
    ("(direct)", "(none)", "(direct)", ""),
    ("linkedin.com", "referral", "(referral)", "https://www.linkedin.com/"),
    ("g2.com", "referral", "(referral)", "https://www.g2.com/"),
    ("google", "cpc", None, "https://www.google.com/"),
    ("linkedin", "paid_social", None, "https://www.linkedin.com/"),
    ("marketo", "email", None, ""),
)
SRC_ORGANIC, SRC_BING, SRC_DIRECT, SRC_LINKEDIN_REF, SRC_G2, SRC_CPC, SRC_LI_PAID, SRC_EMAIL = range(8)
ORGANIC_MIX = np.array([0.62, 0.06, 0.18, 0.08, 0.06])  # over the first five sources
EVENT_NAMES = ("page_view", "form_submit", "first_visit", "scroll")

# lead source picklist values per channel, with weights (a few odd ones on purpose)
LEAD_SOURCES = {
    "content": (("Web", 0.85), ("Website", 0.05), ("Organic Search", 0.10)),
    "paid_search": (("Advertisement", 0.75), ("Google Ads", 0.25)),
    "paid_social": (("Paid Social", 0.6), ("LinkedIn", 0.4)),
    "webinar": (("Webinar", 1.0),),
    "event": (("Trade Show", 0.7), ("Event", 0.2), ("Seminar - Internal", 0.1)),
    "email": (("Email", 0.7), ("Purchased List", 0.3)),
    "partner": (("Partner Referral", 0.7), ("Reseller", 0.2), ("Partner", 0.1)),
    "sales_outbound": (("Outbound", 0.6), ("SDR Outbound", 0.15), ("Cold Call", 0.1),
                       ("Employee Referral", 0.1), ("Sales Prospecting", 0.05)),
    "other": (("", 0.4), ("Other", 0.3), ("Existing Customer", 0.15), ("Word of mouth", 0.1),
              ("Conference 2024", 0.05)),
}
MARKETING_SOURCE_MIX = (("content", 0.33), ("paid_search", 0.18), ("webinar", 0.20), ("email", 0.12),
                        ("event", 0.10), ("paid_social", 0.07))
# share of deals whose committee reads content before the first meeting, by source channel
ASSIST_PROPENSITY = {"content": 1.0, "paid_search": 0.7, "paid_social": 0.45, "webinar": 0.85, "email": 0.6,
                     "event": 0.3, "partner": 0.45, "sales_outbound": 0.28, "other": 0.4}
WIN_MULTIPLIER = {"event": 0.75, "paid_social": 0.75, "partner": 1.1}

# campaigns per 150: count, duration days (min, max), SF type, target cost median (USD)
CAMPAIGN_PLAN = {
    "paid_search": (20, (60, 120), "Advertisement", 40_000),
    "paid_social": (18, (30, 90), "Advertisement", 85_000),
    "webinar": (24, (0, 0), "Webinar", 7_000),
    "event": (16, (0, 2), "Trade Show", 165_000),
    "content": (22, (90, 180), "Content", 30_000),
    "email": (26, (14, 45), "Email", 4_000),
    "partner": (12, (120, 180), "Partners", 22_000),
    "sales_outbound": (12, (60, 90), "Telemarketing", 14_000),
}


@dataclasses.dataclass
class Company:
    seed: int
    scale: float
    as_of: dt.date
    start: dt.date            # first day of the history
    t0: int                   # start as seconds since the epoch
    t_end: int                # last second of as_of
    accounts: pd.DataFrame
    reps: pd.DataFrame
    campaigns: pd.DataFrame
    assets: pd.DataFrame
    pages: pd.DataFrame       # every page path on the website: content assets first, then the rest
    opportunities: pd.DataFrame
    people: pd.DataFrame      # contacts and unconverted leads
    roles: pd.DataFrame
    members: pd.DataFrame
    web: pd.DataFrame         # one row per GA4 event, numeric codes (see writers.write_ga4)
    pseudo_ids: np.ndarray    # GA4 user_pseudo_id strings, indexed by web.pseudo
    ads: pd.DataFrame
    survey: pd.DataFrame
    interviews: pd.DataFrame
    facts: dict


def _ts(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def _weights(pairs):
    names = [p[0] for p in pairs]
    w = np.array([p[1] for p in pairs], dtype=float)
    return names, w / w.sum()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0) + 1
        seen[n] = k
        out.append(n if k == 1 else f"{n} ({k})")
    return out


class _Sim:
    """Builds a Company step by step; each method adds one kind of entity."""

    def __init__(self, seed: int, scale: float, as_of: dt.date, anonymous_traffic: float):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.rng = np.random.default_rng(seed)
        self.seed, self.scale, self.as_of = seed, scale, as_of
        self.anonymous_traffic = anonymous_traffic
        self.start = as_of - dt.timedelta(days=HISTORY_DAYS - 1)
        self.t0 = _ts(self.start)
        self.t_end = _ts(as_of) + DAY - 1
        self.root = math.sqrt(scale)  # programmes (campaigns, content) grow slower than the customer base

    # ---------- small helpers ----------
    def n(self, base: float, minimum: int = 1, root: bool = False) -> int:
        return max(minimum, int(round(base * (self.root if root else self.scale))))

    def pick(self, pairs, size):
        names, p = _weights(pairs)
        return np.array(names, dtype=object)[self.rng.choice(len(names), size=size, p=p)]

    def office_hours(self, t):
        """The same day at a plausible office hour (UTC)."""
        t = np.asarray(t, dtype=np.int64)
        tod = np.clip(self.rng.normal(14.5 * 3600, 3.2 * 3600, t.shape), 0, DAY - 1).astype(np.int64)
        return t // DAY * DAY + tod

    def business_time(self, lo, hi):
        """Uniform day in [lo, hi], at a plausible office hour (UTC), clipped into [lo, hi]."""
        lo = np.asarray(lo, dtype=np.int64)
        hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
        t = lo + (self.rng.random(lo.shape) * (hi - lo)).astype(np.int64)
        tod = np.clip(self.rng.normal(14.5 * 3600, 3.2 * 3600, lo.shape), 0, DAY - 1).astype(np.int64)
        return np.clip(t // DAY * DAY + tod, lo, hi)

    # ---------- entities ----------
    def accounts(self):
        rng, n = self.rng, self.n(3000, 10)
        seg = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
        lo = np.array([10, 200, 2000])[seg]
        hi = np.array([199, 1999, 60000])[seg]
        employees = np.exp(rng.uniform(np.log(lo), np.log(hi + 1))).astype(int).clip(lo, hi)
        heads = [h + t for h in vocab.NAME_HEADS for t in vocab.NAME_TAILS]
        stems = np.array([f"{h} {w}" for h in heads for w in vocab.NAME_WORDS], dtype=object)
        take = rng.choice(len(stems), size=min(n, len(stems)), replace=False)
        names = list(stems[take])
        names += [f"{stems[i % len(stems)]} {i // len(stems) + 2}" for i in range(n - len(names))]
        names = [x.title() for x in names]
        ind_names, ind_p = _weights(vocab.INDUSTRIES)
        cty = rng.choice(len(vocab.COUNTRIES), size=n, p=_weights([(c[0], c[2]) for c in vocab.COUNTRIES])[1])
        self.acc = pd.DataFrame({
            "name": _unique(names),
            "industry": np.array(ind_names, dtype=object)[rng.choice(len(ind_names), size=n, p=ind_p)],
            "employees": employees,
            "country": [vocab.COUNTRIES[i][0] for i in cty],
            "tld": [vocab.COUNTRIES[i][3] for i in cty],
            "segment": seg,
        })
        self.acc["domain"] = [_slug(x).replace("-", "") + "." + t for x, t in zip(self.acc["name"], self.acc["tld"])]

    def reps(self):
        n = self.n(24, 6, root=True)
        first = self.rng.choice(len(vocab.FIRST_NAMES), n)
        last = self.rng.choice(len(vocab.LAST_NAMES), n)
        self.rep = pd.DataFrame({"name": [f"{vocab.FIRST_NAMES[a]} {vocab.LAST_NAMES[b]}" for a, b in zip(first, last)]})

    def campaigns(self):
        rng = self.rng
        rows = []
        for channel, (base, (dmin, dmax), sf_type, cost) in CAMPAIGN_PLAN.items():
            k = self.n(base * 150 / 150, 2, root=True)
            starts = np.sort(self.t0 + (rng.random(k) * (self.t_end - self.t0 - 20 * DAY)).astype(np.int64))
            starts = starts // DAY * DAY
            days = rng.integers(dmin, dmax + 1, size=k)
            costs = np.exp(rng.normal(np.log(cost * self.root), 0.35, size=k))
            if channel in ("paid_search", "paid_social"):
                costs *= (days / 75.0)
            for i in range(k):
                d = dt.date(1970, 1, 1) + dt.timedelta(days=int(starts[i]) // DAY)
                q, h = (d.month - 1) // 3 + 1, (d.month - 1) // 6 + 1
                if channel == "paid_search":
                    name = f"{d.year}-Q{q} Google Search - {vocab.PAID_SEARCH_THEMES[i % len(vocab.PAID_SEARCH_THEMES)]}"
                elif channel == "paid_social":
                    name = f"{d.year}-Q{q} LinkedIn - {vocab.PAID_SOCIAL_THEMES[i % len(vocab.PAID_SOCIAL_THEMES)]}"
                elif channel == "webinar":
                    topic = vocab.TOPICS[i % len(vocab.TOPICS)]
                    phrase = vocab.TOPIC_PHRASES[topic][(i // len(vocab.TOPICS)) % 5]
                    title = vocab.WEBINAR_TEMPLATES[i % len(vocab.WEBINAR_TEMPLATES)].format(p=phrase)
                    name = f"{d.year}-{d.month:02d} Webinar - {title[0].upper() + title[1:]}"
                elif channel == "event":
                    name = f"{vocab.EVENT_NAMES[i % len(vocab.EVENT_NAMES)]} {d.year}"
                elif channel == "content":
                    vendor = vocab.SYNDICATION_VENDORS[i % len(vocab.SYNDICATION_VENDORS)]
                    name = (f"{d.year}-H{h} Blog & SEO Program" if vendor.startswith("Blog")
                            else f"{d.year}-H{h} Content Syndication - {vendor}")
                elif channel == "email":
                    name = f"{d.year}-{d.month:02d} Email - {vocab.EMAIL_THEMES[i % len(vocab.EMAIL_THEMES)]}"
                elif channel == "partner":
                    name = f"{d.year}-H{h} Partner MDF - {vocab.PARTNERS[i % len(vocab.PARTNERS)]}"
                else:
                    name = f"{d.year}-Q{q} SDR Outbound - {vocab.OUTBOUND_SEGMENTS[i % len(vocab.OUTBOUND_SEGMENTS)]}"
                stype = sf_type
                if channel == "event" and "Dinner" in name or channel == "event" and "Roadshow" in name:
                    stype = "Conference"
                rows.append((name, channel, stype, int(starts[i]), int(starts[i] + days[i] * DAY),
                             int(round(costs[i] * 100))))
        camp = pd.DataFrame(rows, columns=["name", "channel", "type", "start", "end", "cost_cents"])
        camp["name"] = _unique(list(camp["name"]))
        camp = camp.sort_values(["start", "name"], kind="stable").reset_index(drop=True)
        camp["ch"] = camp["channel"].map(CH)
        camp["platform_id"] = ""
        paid = camp["channel"].isin(["paid_search", "paid_social"]).to_numpy()
        gids = rng.integers(10**10, 2 * 10**10, size=len(camp))
        lids = rng.integers(10**8, 9 * 10**8, size=len(camp))
        camp.loc[camp["channel"] == "paid_search", "platform_id"] = gids[(camp["channel"] == "paid_search").to_numpy()].astype(str)
        camp.loc[camp["channel"] == "paid_social", "platform_id"] = lids[(camp["channel"] == "paid_social").to_numpy()].astype(str)
        lp = np.where(paid | camp["channel"].isin(["email"]).to_numpy(), "/lp/" + camp["name"].map(_slug), "")
        lp = np.where(camp["channel"] == "webinar", "/webinars/register/" + camp["name"].map(_slug), lp)
        camp["landing"] = lp
        self.camp = camp

    def campaign_at(self, channel: str, ts: np.ndarray) -> np.ndarray:
        """A campaign of `channel` running at each time (one of the latest started), or -1."""
        c = self.camp
        idx = np.flatnonzero(c["ch"].to_numpy() == CH[channel])
        out = np.full(len(ts), -1, dtype=np.int64)
        if len(idx) == 0 or len(ts) == 0:
            return out
        starts, ends = c["start"].to_numpy()[idx], c["end"].to_numpy()[idx]
        pos = np.searchsorted(starts, ts, side="right") - 1
        back = pos - self.rng.integers(0, 3, size=len(ts))
        for cand in (back, pos):
            ok = (cand >= 0) & (out < 0)
            cc = np.where(ok, cand, 0)
            ok &= ends[cc] + DAY > ts
            out[ok] = idx[cc[ok]]
        return out

    def campaign_near(self, channel: str, ts: np.ndarray, max_days: int) -> np.ndarray:
        """The point-in-time campaign (webinar, event) nearest each time within max_days, or -1."""
        c = self.camp
        idx = np.flatnonzero(c["ch"].to_numpy() == CH[channel])
        out = np.full(len(ts), -1, dtype=np.int64)
        if len(idx) == 0 or len(ts) == 0:
            return out
        starts = c["start"].to_numpy()[idx]
        pos = np.searchsorted(starts, ts)
        a, b = np.clip(pos - 1, 0, len(idx) - 1), np.clip(pos, 0, len(idx) - 1)
        best = np.where(np.abs(starts[a] - ts) <= np.abs(starts[b] - ts), a, b)
        ok = (np.abs(starts[best] - ts) <= max_days * DAY) & (starts[best] <= self.t_end)
        out[ok] = idx[best[ok]]
        return out

    def assets(self):
        rng = self.rng
        n_total = self.n(300, 40, root=True)
        c = self.camp
        web = c[(c["channel"] == "webinar") & (c["start"] + 2 * DAY <= self.t_end)]
        rows = []  # path, title, type, topic, publish ts, popularity
        n_pricing = 4
        for _, w in web.iterrows():
            title = w["name"].split(" Webinar - ", 1)[1]
            rows.append(("/webinars/" + _slug(title), f"On-demand webinar: {title}", "webinar",
                         vocab.TOPICS[len(rows) % len(vocab.TOPICS)], int(w["start"] + 2 * DAY)))
        rest = max(n_total - len(rows) - n_pricing, 10)
        kinds = rng.choice(["blog", "guide", "case_study", "comparison", "video"], size=rest,
                           p=[0.52, 0.13, 0.13, 0.08, 0.14])
        for i, kind in enumerate(kinds):
            topic = vocab.TOPICS[rng.integers(len(vocab.TOPICS))]
            phrase = vocab.TOPIC_PHRASES[topic][rng.integers(5)]
            num = int(rng.integers(3, 13))
            if kind == "blog":
                t = vocab.BLOG_TEMPLATES[rng.integers(len(vocab.BLOG_TEMPLATES))].format(p=phrase, n=num, y=self.as_of.year)
                path = "/blog/"
            elif kind == "guide":
                t = vocab.GUIDE_TEMPLATES[rng.integers(len(vocab.GUIDE_TEMPLATES))].format(p=phrase)
                path = "/resources/guides/"
            elif kind == "video":
                t = vocab.VIDEO_TEMPLATES[rng.integers(len(vocab.VIDEO_TEMPLATES))].format(p=phrase)
                path = "/videos/"
            elif kind == "case_study":
                cust = self.acc["name"].iloc[int(rng.integers(len(self.acc)))]
                res = vocab.CASE_RESULTS[rng.integers(len(vocab.CASE_RESULTS))].format(n=int(rng.integers(12, 45)))
                t, path = f"How {cust} {res}", "/customers/"
                topic = "ROI" if "ROI" in res or "CAC" in res else "Pipeline"
            else:
                a, b = rng.choice(len(vocab.COMPETITORS), 2, replace=False)
                t = (f"Acme Cloud vs {vocab.COMPETITORS[a]}" if i % 3 else
                     f"Acme Cloud vs {vocab.COMPETITORS[a]} vs {vocab.COMPETITORS[b]}")
                path, topic = "/compare/", "Attribution"
            t = t[0].upper() + t[1:]
            rows.append((path + _slug(t), t, kind, topic, 0))
        for path, title in (("/pricing", "Pricing"), ("/pricing/enterprise", "Enterprise pricing"),
                            ("/pricing/roi-calculator", "ROI calculator"), ("/pricing/faq", "Pricing FAQ")):
            rows.append((path, title, "pricing", "ROI", 0))
        a = pd.DataFrame(rows, columns=["path", "title", "type", "topic", "publish"])
        # dedupe paths and titles deterministically
        a["path"] = [p if k == 0 else f"{p}-{k + 1}" for p, k in zip(a["path"], a.groupby("path").cumcount())]
        a["title"] = [t if k == 0 else f"{t} (part {k + 1})" for t, k in zip(a["title"], a.groupby("title").cumcount())]
        undated = (a["publish"] == 0).to_numpy()
        # a third evergreen (published before the history starts), the rest spread over it
        pub = np.where(rng.random(len(a)) < 0.33,
                       self.t0 - rng.integers(30, 900, size=len(a)) * DAY,
                       self.t0 + (rng.random(len(a)) * (self.t_end - self.t0 - 10 * DAY)).astype(np.int64))
        pub = np.where(a["type"].to_numpy() == "pricing", self.t0 - 1000 * DAY, pub)
        a.loc[undated, "publish"] = (pub[undated] // DAY * DAY + 9 * 3600)
        pop = np.exp(rng.normal(0, 1.0, len(a)))
        pop *= np.select([a["type"] == "pricing", a["type"] == "comparison", a["type"] == "guide"], [4.0, 2.0, 1.5], 1.0)
        a["popularity"] = pop
        a = a.sort_values(["publish", "path"], kind="stable").reset_index(drop=True)
        self.asset = a
        self.asset_cum = np.cumsum(a["popularity"].to_numpy())
        self.asset_pub = a["publish"].to_numpy()
        nc_paths = [p for p, _ in vocab.NONCONTENT_PAGES] + ["/thank-you", "/newsletter"]
        nc_w = [w for _, w in vocab.NONCONTENT_PAGES] + [0.0, 0.0]
        lps = sorted(set(x for x in self.camp["landing"] if x))
        self.pages = pd.DataFrame({"path": list(a["path"]) + nc_paths + lps})
        self.n_assets = len(a)
        self.nc_first = len(a)
        self.nc_p = np.array(nc_w) / sum(nc_w)
        self.page_code = {p: i for i, p in enumerate(self.pages["path"])}
        self.camp["landing_page"] = [self.page_code.get(x, -1) for x in self.camp["landing"]]

    def pick_asset(self, ts: np.ndarray) -> np.ndarray:
        """A content asset already published at each time, by popularity."""
        k = np.searchsorted(self.asset_pub, ts, side="right")
        k = np.maximum(k, 1)
        total = self.asset_cum[k - 1]
        return np.minimum(np.searchsorted(self.asset_cum, self.rng.random(len(ts)) * total, side="right"), k - 1)

    def pick_noncontent(self, size: int) -> np.ndarray:
        return self.nc_first + self.rng.choice(len(self.nc_p), size=size, p=self.nc_p)

    def opportunities(self):
        rng, acc = self.rng, self.acc
        n = self.n(5000, 20)
        w = np.array([1.0, 1.6, 2.2])[acc["segment"].to_numpy()]
        oacc = rng.choice(len(acc), size=n, p=w / w.sum())
        seg = acc["segment"].to_numpy()[oacc]
        lo, hi = self.t0 + 30 * DAY, self.t_end - 2 * DAY
        g = 0.6  # pipeline grows over the two years
        x = (np.sqrt(1 + g * (2 + g) * rng.random(n)) - 1) / g
        created = self.business_time(lo + (x * (hi - lo)).astype(np.int64), lo + (x * (hi - lo)).astype(np.int64))
        created = np.clip(created + rng.integers(-1800, 1800, n), lo, hi)
        # source group by segment: marketing, sales, partner, unknown
        group_p = np.array([[0.53, 0.27, 0.12, 0.08], [0.44, 0.34, 0.14, 0.08], [0.34, 0.44, 0.15, 0.07]])
        u = rng.random(n)
        grp = (u[:, None] > np.cumsum(group_p[seg], axis=1)).sum(axis=1)
        mk_names, mk_p = _weights(MARKETING_SOURCE_MIX)
        mk = np.array(mk_names, dtype=object)[rng.choice(len(mk_names), size=n, p=mk_p)]
        channel = np.select([grp == 0, grp == 1, grp == 2], [mk, "sales_outbound", "partner"], "other").astype(object)
        lead_source = np.empty(n, dtype=object)
        for ch, pairs in LEAD_SOURCES.items():
            m = channel == ch
            lead_source[m] = self.pick(pairs, int(m.sum()))
        created_day = created // DAY
        as_of_day = self.t_end // DAY
        offset = np.minimum(rng.exponential(5.0, n).astype(np.int64), 30)
        meeting = created_day + offset
        has_meeting = (rng.random(n) < 0.88) & (meeting <= as_of_day)
        meeting = np.where(has_meeting, meeting, -1)
        cut_day = np.where(has_meeting, meeting, created_day)
        assisted = rng.random(n) < np.array([ASSIST_PROPENSITY[c] for c in channel])
        intensity = np.exp(rng.normal(np.log(4.5), 0.9, n)) * np.array([0.8, 1.0, 1.4])[seg]
        size = np.select([seg == 0, seg == 1],
                         [rng.choice([1, 2, 3], n, p=[0.45, 0.4, 0.15]),
                          rng.choice([1, 2, 3, 4], n, p=[0.15, 0.35, 0.35, 0.15])],
                         rng.choice([2, 3, 4, 5, 6], n, p=[0.1, 0.25, 0.3, 0.2, 0.15]))
        self.opp = pd.DataFrame({
            "acc": oacc, "seg": seg, "created": created, "channel": channel, "lead_source": lead_source,
            "meeting_day": meeting, "cut_day": cut_day, "assisted": assisted,
            "intensity": np.where(assisted, intensity, 0.0), "size": size,
            "no_roles": rng.random(n) < 0.04,
        })
        order = np.lexsort((self.opp["acc"].to_numpy(), created))
        self.opp = self.opp.iloc[order].reset_index(drop=True)

    def people(self):
        """Buying committees of every deal, other contacts of accounts, and unconverted leads."""
        rng, opp = self.rng, self.opp
        n_opp = len(opp)
        size = opp["size"].to_numpy()
        d_opp = np.repeat(np.arange(n_opp), size)
        starts = np.cumsum(size) - size
        rank = np.arange(len(d_opp)) - np.repeat(starts, size)
        n_deal = len(d_opp)
        n_other = max(self.n(15000, 10) - n_deal, self.n(1500, 5))
        n_lead = self.n(3500, 10)
        n = n_deal + n_other + n_lead
        kind = np.array(["contact"] * (n_deal + n_other) + ["lead"] * n_lead, dtype=object)
        opp_of = np.concatenate([d_opp, np.full(n_other + n_lead, -1)])
        rank = np.concatenate([rank, np.full(n_other + n_lead, -1)])
        acc_of = np.concatenate([opp["acc"].to_numpy()[d_opp], rng.integers(0, len(self.acc), n_other),
                                 np.full(n_lead, -1)])
        pp_names, pp_p = _weights(vocab.PRIMARY_PERSONAS)
        mp_names, mp_p = _weights(vocab.MEMBER_PERSONAS)
        persona = np.where(rank == 0,
                           np.array(pp_names, dtype=object)[rng.choice(len(pp_names), n, p=pp_p)],
                           np.array(mp_names, dtype=object)[rng.choice(len(mp_names), n, p=mp_p)])
        title_pick = rng.integers(0, 1000, n)
        title = np.array([vocab.TITLES[p][k % len(vocab.TITLES[p])] for p, k in zip(persona, title_pick)], dtype=object)
        role = np.array([vocab.ROLES_BY_PERSONA[p][k % 3] for p, k in zip(persona, rng.integers(0, 3, n))], dtype=object)
        first = np.array(vocab.FIRST_NAMES, dtype=object)[rng.integers(0, len(vocab.FIRST_NAMES), n)]
        last = np.array(vocab.LAST_NAMES, dtype=object)[rng.integers(0, len(vocab.LAST_NAMES), n)]

        # lead source and created time
        on_deal = opp_of >= 0
        o = np.where(on_deal, opp_of, 0)
        ochan = opp["channel"].to_numpy()[o]
        ocreated = opp["created"].to_numpy()[o]
        primary = rank == 0
        channel = np.empty(n, dtype=object)
        lead_source = np.empty(n, dtype=object)
        channel[primary] = ochan[primary]
        lead_source[primary] = opp["lead_source"].to_numpy()[o][primary]
        # a tenth of primary contacts carry a different source than their deal (CRM reality)
        flip = primary & (rng.random(n) < 0.10)
        others = ~primary
        mix = (("content", 0.20), ("paid_search", 0.08), ("webinar", 0.12), ("email", 0.10), ("event", 0.06),
               ("paid_social", 0.06), ("sales_outbound", 0.25), ("partner", 0.05), ("other", 0.08))
        redo = flip | others
        channel[redo] = self.pick(mix, int(redo.sum()))
        is_lead = kind == "lead"
        lead_mix = (("content", 0.32), ("paid_search", 0.14), ("webinar", 0.16), ("email", 0.14), ("event", 0.08),
                    ("paid_social", 0.08), ("other", 0.08))
        channel[is_lead] = self.pick(lead_mix, int(is_lead.sum()))
        for ch, pairs in LEAD_SOURCES.items():
            m = redo & (channel == ch) | is_lead & (channel == ch)
            lead_source[m] = self.pick(pairs, int(m.sum()))
        marketing = np.array([source_group(c) == "marketing" for c in channel])
        lag = np.where(marketing, np.clip(rng.lognormal(np.log(40), 0.7, n), 3, 200),
                       np.where(channel == "sales_outbound", rng.uniform(1, 20, n), rng.uniform(1, 45, n)))
        created = np.empty(n, dtype=np.int64)
        created[primary] = ocreated[primary] - (lag[primary] * DAY).astype(np.int64)
        pc = np.zeros(n_opp, dtype=np.int64)
        pc[opp_of[primary]] = created[primary]
        dm = on_deal & ~primary
        created[dm] = pc[opp_of[dm]] + (rng.random(int(dm.sum())) *
                                         (ocreated[dm] + 25 * DAY - pc[opp_of[dm]])).astype(np.int64)
        free = ~on_deal
        created[free] = self.business_time(np.full(int(free.sum()), self.t0), np.full(int(free.sum()), self.t_end - DAY))
        # people who would predate the history arrive during its first weeks instead
        early = created < self.t0 + DAY
        created[early] = self.t0 + DAY + (rng.random(int(early.sum())) *
                                          np.maximum(ocreated[early] - self.t0 - 2 * DAY, DAY)).astype(np.int64)
        created = np.clip(self.office_hours(created), self.t0 + 3600, self.t_end - 3600)
        created[primary] = np.minimum(created[primary], ocreated[primary] - 3600)

        # identification: the moment a form fill sets the GA4 user_id
        inbound = marketing & (channel != "event") & (primary | is_lead | free & (rng.random(n) < 0.5))
        ident = np.full(n, -1, dtype=np.int64)
        ident[inbound] = created[inbound]
        cut = np.where(on_deal, opp["cut_day"].to_numpy()[o] * DAY, created)
        later = ~inbound & (rng.random(n) < np.where(on_deal, 0.82, 0.35))
        span = rng.uniform(-120, 60, n) * DAY
        ident[later] = np.maximum(self.office_hours(cut[later] + span[later].astype(np.int64)), created[later])
        ident[ident > self.t_end - 600] = -1

        # emails: first.last@domain, numbered when two people share one
        domain = np.where(acc_of >= 0, self.acc["domain"].to_numpy()[np.maximum(acc_of, 0)], "")
        lead_company = np.array([f"{vocab.NAME_HEADS[a]}{vocab.NAME_TAILS[b]} {vocab.NAME_WORDS[c]}" for a, b, c in zip(
            rng.integers(0, len(vocab.NAME_HEADS), n), rng.integers(0, len(vocab.NAME_TAILS), n),
            rng.integers(0, len(vocab.NAME_WORDS), n))], dtype=object)
        lead_company = np.array([x.title() for x in lead_company], dtype=object)
        domain = np.where(is_lead, [_slug(x).replace("-", "") + ".com" for x in lead_company], domain)
        local = np.array([_slug(f"{a}.{b}").replace("-", ".") for a, b in zip(first, last)], dtype=object)
        email = pd.Series(local + "@" + domain)
        dup = email.groupby(email).cumcount().to_numpy()
        email = np.where(dup > 0, local + (dup + 1).astype(str) + "@" + domain, email.to_numpy())

        self.ppl = pd.DataFrame({
            "kind": kind, "opp": opp_of, "rank": rank, "acc": acc_of, "persona": persona, "title": title,
            "role": role, "first": first, "last": last, "email": email, "channel": channel,
            "lead_source": lead_source, "created": created, "ident": ident,
            "company": np.where(is_lead, lead_company, ""),
        })
        self.ppl["web"] = (self.ppl["ident"] >= 0) | (rng.random(n) < 0.45)

    # ---------- web ----------
    def visits(self, person, ts, src, camp, npages, pool, landing=None, form=None):
        """A batch of visits; pool 0 = content assets, 1 = other pages, 2 = mixed."""
        k = len(ts)

        def arr(x, dtype=np.int64):
            return np.broadcast_to(np.asarray(x, dtype=dtype), (k,)).copy()

        return {
            "person": arr(person), "ts": arr(ts), "src": arr(src), "camp": arr(camp),
            "npages": np.maximum(arr(npages), 1), "pool": arr(pool),
            "landing": arr(-1 if landing is None else landing),
            "form": arr(False if form is None else form, bool),
        }

    def organic_src(self, k):
        return self.rng.choice(5, size=k, p=ORGANIC_MIX)

    def expand(self, v) -> pd.DataFrame:
        """Page views (and form submits) of a batch of visits."""
        rng = self.rng
        nv = len(v["ts"])
        vid = np.repeat(np.arange(nv), v["npages"])
        pos = np.arange(len(vid)) - np.repeat(np.cumsum(v["npages"]) - v["npages"], v["npages"])
        gaps = np.where(pos == 0, 0, rng.integers(15, 400, len(vid)))
        csum = np.cumsum(gaps)
        first = np.cumsum(v["npages"]) - v["npages"]
        ts = v["ts"][vid] + (csum - csum[first][vid])
        pool = v["pool"][vid]
        content = (pool == 0) | (pool == 2) & (rng.random(len(vid)) < 0.55)
        page = np.where(content, self.pick_asset(ts), self.pick_noncontent(len(vid)))
        land = v["landing"][vid]
        page = np.where((pos == 0) & (land >= 0), land, page)
        form = v["form"][vid] & (pos == 0)
        # a form visit: landing page, the form submit a minute later, then the thank-you page
        thanks = v["form"][vid] & (pos == 1)
        page = np.where(thanks, self.page_code["/thank-you"], page)
        ts = np.where(thanks, ts - gaps + 65, ts)
        ref = np.where(pos == 0, -1, np.roll(page, 1))
        frame = pd.DataFrame({"ts": ts, "name": 0, "person": v["person"][vid], "page": page,
                              "src": v["src"][vid], "camp": v["camp"][vid], "pos": pos, "ref": ref})
        sub = frame[form].copy()
        sub["name"] = 1
        sub["ts"] += 60
        return pd.concat([frame, sub], ignore_index=True)

    def web_before_meeting(self):
        """Identification visits and content read before the first meeting; returns page views."""
        rng, p, opp = self.rng, self.ppl, self.opp
        n = len(p)
        batches = []
        # identification visits: where the form was filled depends on what brought the person in
        idm = (p["ident"] >= 0).to_numpy()
        ids = np.flatnonzero(idm)
        ch = p["channel"].to_numpy()[ids]
        source_driven = (p["created"].to_numpy()[ids] == p["ident"].to_numpy()[ids])
        t = p["ident"].to_numpy()[ids] - 60  # the form is sent a minute after landing
        src = self.organic_src(len(ids))
        camp = np.full(len(ids), -1)
        landing = np.where(rng.random(len(ids)) < 0.6, self.page_code["/request-demo"],
                           np.where(rng.random(len(ids)) < 0.5, self.page_code["/contact"], self.page_code["/newsletter"]))
        for chan, s in (("paid_search", SRC_CPC), ("paid_social", SRC_LI_PAID), ("email", SRC_EMAIL),
                        ("webinar", SRC_EMAIL)):
            m = source_driven & (ch == chan)
            c = self.campaign_near(chan, t[m], 30) if chan == "webinar" else self.campaign_at(chan, t[m])
            ok = c >= 0
            mm = np.flatnonzero(m)[ok]
            src[mm] = s
            camp[mm] = c[ok]
            landing[mm] = self.camp["landing_page"].to_numpy()[c[ok]]
        gated = source_driven & (ch == "content")
        landing[gated] = self.pick_asset(t[gated])
        src[gated] = SRC_ORGANIC
        self.ident_camp = np.full(n, -1)
        self.ident_camp[ids] = camp
        batches.append(self.visits(ids, t, src, camp, 2, 1, landing, np.ones(len(ids), bool)))

        # content before the first meeting, spread over the committee (primary reads most)
        deal = (p["opp"] >= 0).to_numpy()
        o = np.maximum(p["opp"].to_numpy(), 0)
        weight = np.where(p["rank"].to_numpy() == 0, 2.0, 1.0)
        wsum = np.bincount(o[deal], weights=weight[deal], minlength=len(opp))
        lam = np.where(deal, opp["intensity"].to_numpy()[o] * weight / np.maximum(wsum[o], 1), 0)
        views = rng.poisson(lam)
        # every assisted deal has at least one reader
        has = np.bincount(o[deal], weights=views[deal], minlength=len(opp)) > 0
        need = deal & (p["rank"].to_numpy() == 0) & opp["assisted"].to_numpy()[o] & ~has[o]
        views[need] = 1
        cut = opp["cut_day"].to_numpy()[o] * DAY
        span = rng.uniform(20, 150, n) * DAY
        lo = np.maximum(self.t0, cut - span.astype(np.int64))
        hi = cut - 1
        views[hi <= lo + DAY] = 0
        nvis = np.where(views > 0, np.maximum(1, np.round(views / rng.uniform(1.5, 3.0, n))), 0).astype(np.int64)
        who = np.repeat(np.arange(n), nvis)
        j = np.arange(len(who)) - np.repeat(np.cumsum(nvis) - nvis, nvis)
        base, rem = views[who] // nvis[who], views[who] % nvis[who]
        npages = base + (j < rem)
        t = self.business_time(lo[who], hi[who])
        batches.append(self.visits(who, t, self.organic_src(len(who)), -1, npages, 0))
        # other pages before the meeting (homepage, product, pricing excluded: it is content)
        webby = p["web"].to_numpy() & deal
        k = np.where(webby, rng.poisson(0.8, n), 0)
        who = np.repeat(np.arange(n), k)
        t = self.business_time(lo[who], hi[who])
        batches.append(self.visits(who, t, self.organic_src(len(who)), -1, rng.integers(1, 3, len(who)), 1))
        pages = pd.concat([self.expand(b) for b in batches], ignore_index=True)
        return pages

    def depth(self, pages: pd.DataFrame):
        """Distinct content assets the committee read before the first meeting, per deal.

        `seen` counts every reader; `visible` only readers who were identified by the end of the
        history (their anonymous reading is stitched to them), as the dashboard can see it.
        """
        p, opp = self.ppl, self.opp
        pv = pages[(pages["name"] == 0) & (pages["page"] < self.n_assets)]
        o = p["opp"].to_numpy()[pv["person"].to_numpy()]
        keep = o >= 0
        pv, o = pv[keep], o[keep]
        before = pv["ts"].to_numpy() < opp["cut_day"].to_numpy()[o] * DAY
        pairs = pd.DataFrame({"opp": o[before], "page": pv["page"].to_numpy()[before]}).drop_duplicates()
        seen = np.bincount(pairs["opp"], minlength=len(opp))
        return seen

    def outcomes(self, depth):
        rng, opp = self.rng, self.opp
        n = len(opp)
        seg = opp["seg"].to_numpy()
        p_win = 0.17 + 0.34 * (1 - np.exp(-depth / 6.5))
        p_win *= np.array([1.05, 1.0, 0.85])[seg]
        p_win *= np.array([WIN_MULTIPLIER.get(c, 1.0) for c in opp["channel"]])
        won = rng.random(n) < p_win
        cycle = rng.lognormal(np.log(np.array([32.0, 62.0, 110.0])[seg]), 0.45)
        cycle *= np.where(depth > 0, 0.78, 1.0) * np.where(won, 0.9, 1.05)
        created_day = opp["created"].to_numpy() // DAY
        close_day = np.maximum(created_day + np.maximum(cycle, 3).astype(np.int64), opp["cut_day"].to_numpy())
        as_of_day = self.t_end // DAY
        closed = close_day <= as_of_day
        frac = (as_of_day - created_day) / np.maximum(close_day - created_day, 1)
        stage = np.select([frac < 0.15, frac < 0.35, frac < 0.6, frac < 0.85],
                          ["Prospecting", "Qualification", "Needs Analysis", "Proposal"], "Negotiation").astype(object)
        stage = np.where(closed, np.where(won, "Closed Won", "Closed Lost"), stage)
        amount = rng.lognormal(np.log(np.array([12_000.0, 45_000.0, 150_000.0])[seg]), 0.55)
        amount *= np.where(depth > 0, 1.08, 1.0)
        cents = np.where(rng.random(n) < 0.75, np.round(amount / 100) * 10_000, np.round(amount * 100)).astype(np.int64)
        opp["depth"] = depth
        opp["won"] = won & closed
        opp["closed"] = closed
        opp["close_day"] = close_day
        opp["stage"] = stage
        opp["amount_cents"] = cents
        opp["no_decision"] = closed & ~won & (rng.random(n) < 0.3)
        opp["owner"] = rng.integers(0, len(self.rep), n)
        products = ("Attribution Suite", "Pipeline Analytics", "Platform", "Content Insights", "Expansion")
        yr = pd.to_datetime(opp["created"], unit="s").dt.year.astype(str)
        opp["name"] = (self.acc["name"].to_numpy()[opp["acc"].to_numpy()] + " - " +
                       np.array(products, dtype=object)[rng.integers(0, len(products), n)] + " " + yr.to_numpy())
        # a deal is existing business when the account had already won before it was created
        first_win = pd.Series(np.where(opp["won"], close_day, np.iinfo(np.int64).max)).groupby(opp["acc"]).transform("min")
        opp["type"] = np.where(first_win.to_numpy() < created_day, "Existing Business", "New Business")

    def web_after_meeting(self):
        rng, p, opp = self.rng, self.ppl, self.opp
        n = len(p)
        deal = (p["opp"] >= 0).to_numpy()
        o = np.maximum(p["opp"].to_numpy(), 0)
        webby = p["web"].to_numpy()
        batches = []
        end = np.where(opp["closed"].to_numpy()[o], opp["close_day"].to_numpy()[o] * DAY + 45 * DAY, self.t_end)
        lo = np.where(deal, opp["cut_day"].to_numpy()[o] * DAY + DAY, p["created"].to_numpy() - 40 * DAY)
        hi = np.where(deal, np.minimum(end, self.t_end), self.t_end)
        lo = np.maximum(lo, self.t0)
        k = np.where(webby & (hi > lo), rng.poisson(np.where(deal, 1.6, 2.6)), 0)
        who = np.repeat(np.arange(n), k)
        t = self.business_time(lo[who], hi[who])
        batches.append(self.visits(who, t, self.organic_src(len(who)), -1, 1 + rng.poisson(1.2, len(who)), 2))
        # paid clicks (landing pages), by persons
        for chan, s, rate in (("paid_search", SRC_CPC, 0.22), ("paid_social", SRC_LI_PAID, 0.04),
                              ("email", SRC_EMAIL, 0.25)):
            k = np.where(webby, rng.poisson(rate, n), 0)
            who = np.repeat(np.arange(n), k)
            plo = np.maximum(self.t0, p["created"].to_numpy()[who] - 60 * DAY)
            t = self.business_time(plo, np.full(len(who), self.t_end))
            c = self.campaign_at(chan, t)
            ok = c >= 0
            who, t, c = who[ok], t[ok], c[ok]
            batches.append(self.visits(who, t, s, c, rng.integers(1, 3, len(who)), 1,
                                       self.camp["landing_page"].to_numpy()[c]))
        # anonymous visitors who never tell us who they are
        na = self.n(42000 * self.anonymous_traffic, 10)
        nvis = 1 + rng.geometric(0.6, na) - 1
        who = np.repeat(np.arange(na), nvis) + n  # pseudo index past the people
        t = self.business_time(np.full(len(who), self.t0), np.full(len(who), self.t_end))
        kind = rng.choice(8, size=len(who), p=[0.44, 0.05, 0.14, 0.06, 0.05, 0.14, 0.08, 0.04])
        camp = np.full(len(who), -1)
        landing = np.full(len(who), -1)
        for s, chan in ((SRC_CPC, "paid_search"), (SRC_LI_PAID, "paid_social"), (SRC_EMAIL, "email")):
            m = kind == s
            c = self.campaign_at(chan, t[m])
            camp[m] = c
            landing[m] = np.where(c >= 0, self.camp["landing_page"].to_numpy()[np.maximum(c, 0)], -1)
            kind[np.flatnonzero(m)[c < 0]] = SRC_DIRECT
        batches.append(self.visits(who, t, kind, camp, 1 + rng.poisson(1.3, len(who)), 2, landing))
        return pd.concat([self.expand(b) for b in batches], ignore_index=True)

    def assemble_web(self, pages: pd.DataFrame):
        """GA4 events from page views: user_id after identification, first_visit and scroll events."""
        rng, p = self.rng, self.ppl
        n = len(p)
        pages = pages[(pages["ts"] >= self.t0) & (pages["ts"] <= self.t_end)]
        person = pages["person"].to_numpy()
        ident = np.concatenate([p["ident"].to_numpy(), [-1]])
        pid = np.where(person < n, person, n)
        pages = pages.assign(uid=np.where((ident[pid] >= 0) & (pages["ts"].to_numpy() >= ident[pid]), pid, -1))
        pages = pages.sort_values(["person", "ts", "name"], kind="stable")
        firsts = pages[(pages["name"] == 0)].drop_duplicates("person").assign(name=2)
        is_content = (pages["name"] == 0) & (pages["page"] < self.n_assets)
        scroll = pages[is_content.to_numpy() & (rng.random(len(pages)) < 0.08)]
        scroll = scroll.assign(name=3, ts=scroll["ts"] + rng.integers(20, 180, len(scroll)))
        web = pd.concat([pages, firsts, scroll], ignore_index=True)
        web["us"] = web["ts"].to_numpy() * 1_000_000 + rng.integers(0, 1_000_000, len(web))
        web = web[web["ts"] <= self.t_end]
        web["day"] = web["ts"] // DAY
        web = web.sort_values(["day", "person", "us", "name"], kind="stable").reset_index(drop=True)
        # pseudo ids: random client number + first-visit unix time, like GA4's client id
        n_pseudo = int(web["person"].max()) + 1 if len(web) else 0
        first_ts = web.groupby("person")["ts"].min()
        client = rng.integers(100_000_000, 2_147_483_647, n_pseudo)
        pseudo = np.full(n_pseudo, "", dtype=object)
        pseudo[first_ts.index.to_numpy()] = [f"{client[i]}.{t}" for i, t in zip(first_ts.index, first_ts.to_numpy())]
        self.web = web[["us", "day", "name", "person", "uid", "page", "src", "camp", "pos", "ref"]]
        self.pseudo = pseudo

    # ---------- campaign members and lifecycle ----------
    def members(self):
        rng, p, opp = self.rng, self.ppl, self.opp
        n = len(p)
        deal = (p["opp"] >= 0).to_numpy()
        o = np.maximum(p["opp"].to_numpy(), 0)
        created = p["created"].to_numpy()
        seg = np.where(deal, opp["seg"].to_numpy()[o], 0)
        end = np.where(deal & opp["closed"].to_numpy()[o], opp["close_day"].to_numpy()[o] * DAY, self.t_end)
        lo, hi = np.maximum(created - 30 * DAY, self.t0), np.maximum(end, created)
        rows = []  # person, campaign, touch ts, status, responded
        # the touch that brought the person in
        src_c = self.ident_camp
        m = src_c >= 0
        rows.append((np.flatnonzero(m), src_c[m], p["ident"].to_numpy()[m], "source"))
        inbound_ch = p["channel"].to_numpy()
        for chan in ("event", "content", "partner", "sales_outbound"):
            m = (inbound_ch == chan) & ((p["rank"].to_numpy() == 0) | (p["kind"].to_numpy() == "lead"))
            if chan in ("content", "partner", "sales_outbound"):
                m &= rng.random(n) < 0.7
            w = np.flatnonzero(m)
            c = (self.campaign_near(chan, created[w], 60) if chan == "event" else self.campaign_at(chan, created[w]))
            rows.append((w[c >= 0], c[c >= 0], created[w][c >= 0], "source"))
        rates = {"webinar": np.array([0.40, 0.45, 0.5]), "event": np.array([0.03, 0.06, 0.16]),
                 "email": np.array([0.35, 0.35, 0.35]), "content": np.array([0.05, 0.06, 0.08])}
        for chan, r in rates.items():
            k = rng.poisson(r[seg])
            who = np.repeat(np.arange(n), k)
            t = self.business_time(lo[who], hi[who])
            c = (self.campaign_near(chan, t, 45) if chan in ("webinar", "event") else self.campaign_at(chan, t))
            ok = c >= 0
            rows.append((who[ok], c[ok], t[ok], "touch"))
        is_source = np.concatenate([np.full(len(r[0]), r[3] == "source") for r in rows])
        person = np.concatenate([r[0] for r in rows]).astype(np.int64)
        camp = np.concatenate([r[1] for r in rows]).astype(np.int64)
        ts = np.concatenate([r[2] for r in rows]).astype(np.int64)
        ch = self.camp["channel"].to_numpy()[camp]
        cstart = self.camp["start"].to_numpy()[camp]
        point = np.isin(ch, ["webinar", "event"])
        ts = np.where(point, cstart + rng.integers(9, 18, len(ts)) * 3600, ts)
        status_tab = {
            "webinar": (("Attended", 0.72), ("No Show", 0.28)), "event": (("Attended", 0.6), ("Visited Booth", 0.4)),
            "email": (("Clicked", 1.0),), "content": (("Downloaded", 1.0),), "partner": (("Referred", 1.0),),
            "sales_outbound": (("Responded", 1.0),), "paid_search": (("Responded", 1.0),),
            "paid_social": (("Responded", 1.0),),
        }
        status = np.empty(len(ts), dtype=object)
        for chan, pairs in status_tab.items():
            mm = ch == chan
            status[mm] = self.pick(pairs, int(mm.sum()))
        responded = status != "No Show"
        added = ts - np.where(ch == "webinar", rng.integers(1, 21, len(ts)), rng.integers(0, 2, len(ts))) * DAY
        mem = pd.DataFrame({"person": person, "camp": camp, "ts": ts, "added": added, "status": status,
                            "responded": responded, "source": is_source})
        # non-responders: email sends and SDR sequences that got no answer
        extra = []
        for ci in np.flatnonzero(self.camp["channel"].isin(["email", "sales_outbound"]).to_numpy()):
            cs = int(self.camp["start"].iat[ci])
            pool = np.flatnonzero(created < cs)
            k = min(len(pool), self.n(80, 5))
            if k == 0:
                continue
            w = rng.choice(pool, size=k, replace=False)
            st = "Sent" if self.camp["channel"].iat[ci] == "email" else "Contacted"
            extra.append(pd.DataFrame({"person": w, "camp": ci, "ts": -1, "added": cs + 9 * 3600,
                                       "status": st, "responded": False, "source": False}))
        mem = pd.concat([mem] + extra, ignore_index=True)
        mem = mem[(mem["added"] <= self.t_end) & (mem["ts"] <= self.t_end)]
        mem = mem.sort_values(["camp", "person", "responded", "ts"], ascending=[True, True, False, True], kind="stable")
        mem = mem.drop_duplicates(["camp", "person"]).reset_index(drop=True)
        mem["added"] = np.minimum(mem["added"], np.where(mem["ts"] >= 0, mem["ts"], mem["added"]))
        self.mem = mem

    def opportunity_campaigns(self):
        """The primary campaign of a deal: the campaign that brought its primary contact in."""
        opp, p, mem = self.opp, self.ppl, self.mem
        src = mem[mem["source"]].sort_values(["person", "ts"], kind="stable").drop_duplicates("person")
        camp_of = np.full(len(p), -1)
        camp_of[src["person"].to_numpy()] = src["camp"].to_numpy()
        prim = p[p["rank"] == 0]
        c = np.full(len(opp), -1)
        c[prim["opp"].to_numpy()] = camp_of[prim.index.to_numpy()]
        keep = np.isin(opp["channel"].to_numpy(), list(MARKETING_CHANNELS) + ["partner"])
        keep &= self.rng.random(len(opp)) < 0.85
        opp["campaign"] = np.where(keep, c, -1)

    def lifecycle(self):
        rng, p, opp = self.rng, self.ppl, self.opp
        n = len(p)
        created_day = p["created"].to_numpy() // DAY
        deal = (p["opp"] >= 0).to_numpy()
        o = np.maximum(p["opp"].to_numpy(), 0)
        ocd = opp["created"].to_numpy()[o] // DAY
        primary = (p["rank"] == 0).to_numpy()
        marketing = np.array([source_group(c) == "marketing" for c in p["channel"]])
        lead = (p["kind"] == "lead").to_numpy()
        free = ~deal & ~lead
        none = np.full(n, -1, dtype=np.int64)
        mql, sal, sqld = none.copy(), none.copy(), none.copy()
        # deal primaries: marketing-sourced go lead -> MQL -> SAL -> SQL; the rest jump to SAL/SQL
        m = primary & marketing
        mql[m] = np.minimum(created_day[m] + rng.integers(0, 15, n)[m], ocd[m])
        sal[m] = np.minimum(mql[m] + rng.integers(0, 8, n)[m], ocd[m])
        sal[primary & ~marketing] = ocd[primary & ~marketing]
        sqld[primary] = ocd[primary]
        m = deal & ~primary & (rng.random(n) < 0.22) & (created_day < ocd)
        mql[m] = created_day[m] + rng.integers(0, 10, n)[m]
        # everyone else: about half become MQLs, and sales accepts fewer than half of those
        m = (free | lead) & (rng.random(n) < np.where(marketing, 0.6, 0.3))
        mql[m] = created_day[m] + rng.integers(0, 30, n)[m]
        a = m & (rng.random(n) < 0.3)
        sal[a] = mql[a] + rng.integers(1, 12, n)[a]
        as_of_day = self.t_end // DAY
        for arr in (mql, sal, sqld):
            arr[arr > as_of_day] = -1
        sal[(mql >= 0) & (sal >= 0) & (sal < mql)] = -1
        status = np.where(sal >= 0, np.where(rng.random(n) < 0.5, "Working - Contacted", "Unqualified"),
                          np.where(mql >= 0, np.where(rng.random(n) < 0.6, "Nurturing", "Open - Not Contacted"),
                                   self.pick((("Open - Not Contacted", 0.5), ("Nurturing", 0.3), ("Unqualified", 0.2)), n)))
        p["mql_day"], p["sal_day"], p["sql_day"] = mql, sal, sqld
        p["status"] = np.where(lead, status, "")

    # ---------- ad platforms ----------
    def ads(self):
        rng = self.rng
        c = self.camp
        rows = []
        as_of_day = self.t_end // DAY
        extras = [("Brand - Competitor Conquesting (test)", "paid_search", 0.06),
                  ("Display - Remarketing EMEA", "paid_search", 0.04),
                  ("Employer Brand - Careers", "paid_social", 0.05)]
        plan = [(int(i), c["name"].iat[i], c["channel"].iat[i], int(c["start"].iat[i]) // DAY,
                 int(c["end"].iat[i]) // DAY, int(c["cost_cents"].iat[i]), c["platform_id"].iat[i])
                for i in np.flatnonzero(c["channel"].isin(["paid_search", "paid_social"]).to_numpy())]
        paid_total = sum(x[5] for x in plan)
        for k, (name, chan, share) in enumerate(extras):
            s = self.t0 // DAY + 60 * (k + 1)
            pid = str(rng.integers(10**10, 2 * 10**10)) if chan == "paid_search" else str(rng.integers(10**8, 9 * 10**8))
            plan.append((-1, name, chan, s, s + 200, int(paid_total * share / max(len(plan), 1)), pid))
        for ci, name, chan, s, e, cents, pid in plan:
            days = np.arange(s, min(e, as_of_day) + 1)
            if len(days) == 0:
                days = np.array([s])
            weekday = (days + 3) % 7  # Monday = 0; 1970-01-01 was a Thursday
            w = rng.gamma(4.0, 1.0, len(days)) * np.where(weekday >= 5, 0.45, 1.0)
            share = w / w.sum()
            spend = np.floor(share * cents).astype(np.int64)
            spend[np.argmax(share)] += cents - spend.sum()
            cpm = 38.0 if chan == "paid_search" else 95.0
            impr = np.maximum((spend / 100 / cpm * 1000 * rng.lognormal(0, 0.15, len(days))).astype(np.int64), 1)
            ctr = 0.045 if chan == "paid_search" else 0.006
            clicks = rng.binomial(impr, ctr)
            conv = rng.binomial(clicks, 0.035 if chan == "paid_search" else 0.08)
            for d, sp, im, cl, cv in zip(days, spend, impr, clicks, conv):
                rows.append((int(d), "google_ads" if chan == "paid_search" else "linkedin", name, pid, ci,
                             int(im), int(cl), int(sp), int(cv)))
        ads = pd.DataFrame(rows, columns=["day", "platform", "name", "platform_id", "camp", "impressions", "clicks",
                                          "cost_cents", "conversions"])
        self.ads_df = ads.sort_values(["platform", "day", "name"], kind="stable").reset_index(drop=True)
        # the CRM's actual cost of a paid campaign is what the ad platform billed up to as_of
        billed = ads[ads["camp"] >= 0].groupby("camp")["cost_cents"].sum()
        cc = c["cost_cents"].to_numpy().copy()
        cc[billed.index.to_numpy()] = billed.to_numpy()
        # campaigns still to start or run get their cost so far: a share of the budget by elapsed time
        span = np.maximum(c["end"].to_numpy() - c["start"].to_numpy(), DAY)
        elapsed = np.clip((self.t_end - c["start"].to_numpy()) / span, 0, 1)
        unpaid = ~c["channel"].isin(["paid_search", "paid_social"]).to_numpy()
        cc[unpaid] = np.round(cc[unpaid] * elapsed[unpaid]).astype(np.int64)
        c["actual_cents"] = cc
        c["budget_cents"] = (np.round(c["cost_cents"].to_numpy() * rng.uniform(0.9, 1.2, len(c)) / 10_000) * 10_000).astype(np.int64)

    # ---------- what people said ----------
    def survey(self):
        rng = self.rng
        roles = [("CEO", 1), ("CMO", 1), ("Sales", 6), ("Board", 4), ("Marketing", 5)]
        belief = {  # mean answer per role: sourced, journey, revenue_driver, effectiveness, maturity
            "CEO": (32, 45, 2, 2, 2.2), "CMO": (60, 70, 5, 4, 3.4), "Sales": (17, 25, 2, 2, 1.8),
            "Board": (28, 40, 2.5, 2.5, 2.4), "Marketing": (52, 65, 4.4, 3.8, 3.2),
        }
        rows = []
        rid = 0
        base = self.t_end - 14 * DAY
        for role, count in roles:
            s, j, rd, eff, mat = belief[role]
            for _ in range(count):
                rid += 1
                t = int(base + rng.integers(0, 10 * DAY))
                spread = 0 if role in ("CEO", "CMO") else 1
                ans = {
                    "sourced_share": int(np.clip(round(s + spread * rng.normal(0, 3)), 0, 100)),
                    "journey_before_sales": int(np.clip(round(j + spread * rng.normal(0, 6)), 0, 100)),
                    "revenue_driver": int(np.clip(round(rd + spread * rng.normal(0, 0.6)), 1, 5)),
                    "effectiveness": int(np.clip(round(eff + spread * rng.normal(0, 0.6)), 1, 5)),
                }
                for q, bias in (("maturity_buyer_insight", -0.3), ("maturity_strategy_seat", 0.0),
                                ("maturity_sales_partnership", -0.2), ("maturity_measurement", -0.6),
                                ("maturity_content", 0.6)):
                    ans[q] = int(np.clip(round(mat + bias + rng.normal(0, 0.5)), 1, 5))
                for q, a in ans.items():
                    rows.append((f"R{rid:03d}", role, q, a, t + len(rows) % 9))
        self.surv = pd.DataFrame(rows, columns=["respondent", "role", "question", "answer", "ts"])

    def interviews(self):
        rng, opp, p = self.rng, self.opp, self.ppl
        k = self.n(120, 12, root=True)
        closed = np.flatnonzero(opp["closed"].to_numpy() & (opp["close_day"].to_numpy() * DAY > self.t0 + 120 * DAY))
        pick = np.sort(rng.choice(closed, size=min(k, len(closed)), replace=False))
        prim = p[p["rank"] == 0].set_index("opp")
        areas = ("priority_initiative", "success_factors", "perceived_barriers", "decision_criteria", "buyer_journey")
        rows = []
        for i, oi in enumerate(pick):
            won, nd = bool(opp["won"].iat[oi]), bool(opp["no_decision"].iat[oi])
            outcome = "won" if won else ("no_decision" if nd else "lost")
            area = areas[i % len(areas)] if rng.random() < 0.6 else areas[rng.integers(len(areas))]
            quotes = vocab.INTERVIEW_QUOTES[(area, outcome)]
            q = quotes[rng.integers(len(quotes))]
            asset = self.asset["title"].iat[int(rng.integers(self.n_assets))]
            q = q.format(competitor=vocab.COMPETITORS[rng.integers(len(vocab.COMPETITORS))], asset=asset)
            persona = vocab.PERSONA_LABELS[prim.loc[oi, "persona"]] if oi in prim.index else "Unknown"
            day = int(opp["close_day"].iat[oi]) + int(rng.integers(7, 40))
            day = min(day, self.t_end // DAY)
            rows.append((f"INT-{i + 1:04d}", day, int(oi), persona, outcome, area, q))
        self.intv = pd.DataFrame(rows, columns=["interview", "day", "opp", "persona", "outcome", "area", "quote"])


def simulate(seed: int = 42, scale: float = 1.0, as_of: dt.date | None = None,
             anonymous_traffic: float = 1.0) -> Company:
    """Run the whole simulation. `anonymous_traffic` thins (or thickens) never-identified visitors only."""
    s = _Sim(seed, scale, as_of or DEFAULT_AS_OF, anonymous_traffic)
    s.accounts()
    s.reps()
    s.campaigns()
    s.assets()
    s.opportunities()
    s.people()
    before = s.web_before_meeting()
    depth = s.depth(before)
    s.outcomes(depth)
    after = s.web_after_meeting()
    s.assemble_web(pd.concat([before, after], ignore_index=True))
    s.members()
    s.opportunity_campaigns()
    s.lifecycle()
    s.ads()
    won_acc = s.opp[s.opp["won"]]
    channel_won = won_acc.groupby("acc")["channel"].agg(lambda x: (x == "partner").any())
    acc_type = np.full(len(s.acc), "Prospect", dtype=object)
    acc_type[channel_won.index.to_numpy()] = np.where(channel_won.to_numpy(), "Customer - Channel", "Customer - Direct")
    s.acc["type"] = acc_type
    facts = _facts(s)
    s.survey()
    s.interviews()
    facts["survey_mean"] = {
        q: {r: round(float(v), 2) for r, v in s.surv[s.surv["question"] == q].groupby("role")["answer"].mean().items()}
        for q in ("sourced_share", "journey_before_sales")
    }
    facts["counts"]["survey_responses"] = len(s.surv)
    facts["counts"]["buyer_interviews"] = len(s.intv)
    return Company(
        seed=seed, scale=scale, as_of=s.as_of, start=s.start, t0=s.t0, t_end=s.t_end,
        accounts=s.acc, reps=s.rep, campaigns=s.camp, assets=s.asset, pages=s.pages, opportunities=s.opp,
        people=s.ppl, roles=_roles(s), members=s.mem, web=s.web, pseudo_ids=s.pseudo, ads=s.ads_df,
        survey=s.surv, interviews=s.intv, facts=facts,
    )


def _roles(s: _Sim) -> pd.DataFrame:
    p = s.ppl
    on = (p["opp"] >= 0).to_numpy() & ~s.opp["no_roles"].to_numpy()[np.maximum(p["opp"].to_numpy(), 0)]
    r = p[on][["opp", "rank", "role"]].copy()
    r["person"] = np.flatnonzero(on)
    r["primary"] = r["rank"] == 0
    return r.sort_values(["opp", "rank"], kind="stable").reset_index(drop=True)


def _facts(s: _Sim) -> dict:
    """Headline figures straight from the simulation: the answer key for the demo files."""
    o = s.opp
    closed = o[o["closed"]]
    group = o["lead_source"].map(lambda x: source_group(lead_source_channel(x)))
    amount = o["amount_cents"]
    assisted = closed["depth"] > 0

    def rate(frame):
        return round(100.0 * frame["won"].mean(), 2) if len(frame) else None

    buckets = pd.cut(closed["depth"], [-1, 0, 2, 5, 10, 20, 10**6], labels=["0", "1-2", "3-5", "6-10", "11-20", "21+"])
    cost = s.camp.groupby("channel")["actual_cents"].sum()
    return {
        "seed": s.seed, "scale": s.scale, "as_of": s.as_of.isoformat(), "history_start": s.start.isoformat(),
        "currency": "USD",
        "counts": {
            "accounts": len(s.acc), "contacts": int((s.ppl["kind"] == "contact").sum()),
            "leads": int((s.ppl["kind"] == "lead").sum()), "opportunities": len(o),
            "opportunity_contact_roles": int(((s.ppl["opp"] >= 0) & ~o["no_roles"].to_numpy()[np.maximum(s.ppl["opp"].to_numpy(), 0)]).sum()),
            "deals_without_contact_roles": int(o["no_roles"].sum()),
            "campaigns": len(s.camp), "content_assets": s.n_assets, "campaign_members": len(s.mem),
            "ga4_events": len(s.web), "ga4_page_views": int((s.web["name"] == 0).sum()),
            "ad_rows": len(s.ads_df),
        },
        "pipeline_usd": f"{amount.sum() / 100:.2f}",
        "won_revenue_usd": f"{amount[o['won']].sum() / 100:.2f}",
        "won_deals": int(o["won"].sum()), "closed_deals": int(o["closed"].sum()), "open_deals": int((~o["closed"]).sum()),
        "win_rate_pct": rate(closed),
        "marketing_sourced_share_pct": round(100.0 * amount[group == "marketing"].sum() / amount.sum(), 2),
        "marketing_sourced_deal_share_pct": round(100.0 * (group == "marketing").mean(), 2),
        "sourced_share_by_group_pct": {g: round(100.0 * amount[group == g].sum() / amount.sum(), 2)
                                       for g in ("marketing", "sales", "partner", "unknown")},
        "content_assisted": {
            "definition": "closed deals whose committee read >= 1 content asset before the first meeting "
                          "(simulation truth: every reader, identified or not)",
            "assisted_closed": int(assisted.sum()), "unassisted_closed": int((~assisted).sum()),
            "assisted_win_rate_pct": rate(closed[assisted]), "unassisted_win_rate_pct": rate(closed[~assisted]),
            "assisted_median_cycle_days": float(np.median((closed["close_day"] - closed["created"] // DAY)[assisted & closed["won"]])) if (assisted & closed["won"]).any() else None,
            "unassisted_median_cycle_days": float(np.median((closed["close_day"] - closed["created"] // DAY)[~assisted & closed["won"]])) if (~assisted & closed["won"]).any() else None,
            "win_rate_by_depth_pct": {str(b): rate(closed[buckets == b]) for b in buckets.cat.categories},
            "closed_by_depth": {str(b): int((buckets == b).sum()) for b in buckets.cat.categories},
        },
        "marketing_cost_by_channel_usd": {k: f"{v / 100:.2f}" for k, v in cost.items()},
    }
