"""One function per chart. Each returns a :class:`~musk_openai.export.Chart`: the figure and
the exact rows it draws (saved beside it as CSV). Notebooks call these; tests check their data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullLocator

from . import i18n, queries, style
from .data import Dataset
from .export import Chart, save
from .params import validate

T = {
    "fr": {
        "val_title": "OpenAI vaut presque deux fois plus après sa levée d’octobre 2024",
        "val_sub": "Valorisation d’OpenAI et fonds levés, en milliards de dollars (Md$)",
        "previous": "Valorisation\nprécédente\n(date non précisée)",
        "raised": "Fonds levés\n(octobre 2024)",
        "after": "Valorisation\naprès la levée\n(octobre 2024)",
        "multiple": "×{m}\n« presque\nle double »",
        "fund_title": "Qui a financé OpenAI ? De quelques dizaines de millions à des milliards",
        "fund_sub": "Montants rapportés, en dollars "
        "(échelle logarithmique : chaque graduation ×10)",
        "exact": "montant donné tel quel",
        "approximate": "montant approximatif (« une centaine »)",
        "upper_bound": "au plus (« moins de »)",
        "lower_bound": "au moins (« plus de »)",
        "valuation_line": "valorisation d’octobre 2024 : {v}",
        "according": "selon {who}",
        "tl_title": "Dix ans de querelle entre Elon Musk et OpenAI",
        "tl_sub": "Événements datés par les articles ; une barre couvre la période que la date "
        "permet (année, mois),\nun point un jour précis ; à droite, les articles qui le rapportent",
        "contrib_title": "Combien Musk a-t-il donné ? Cinq versions, de 44 à environ 100 M$",
        "contrib_sub": "Apport d’Elon Musk à OpenAI selon chaque partie et chaque article, en M$",
        "year_title": "Quand Musk s’est-il opposé au virage lucratif ? 2017, 2018 ou 2020",
        "year_sub": "Année donnée par chaque article ; selon OpenAI, Musk soutenait le projet",
        "no_date": "sans date : {what}",
        "undated_backing": "e-mails non datés",
        "src_title": "Quel article rapporte quoi ?",
        "src_sub": "Nombre de lignes du jeu de données appuyées par chaque article, "
        "par type de fait",
        "src_y": "Article (date de publication)",
        "src_x": "Type de fait",
        "year": "année",
        "month": "mois",
        "day": "jour",
    },
    "en": {
        "val_title": "OpenAI’s value almost doubled with its October 2024 round",
        "val_sub": "OpenAI’s valuation and the money raised, in billions of US dollars",
        "previous": "Previous\nvaluation\n(date not given)",
        "raised": "Money raised\n(October 2024)",
        "after": "Valuation\nafter the round\n(October 2024)",
        "multiple": "×{m}\n“almost\ndouble”",
        "fund_title": "Who paid for OpenAI? From tens of millions to billions",
        "fund_sub": "Amounts as reported, in US dollars (log scale: each gridline is ×10)",
        "exact": "amount as given",
        "approximate": "approximate amount (“about a hundred”)",
        "upper_bound": "at most (“less than”)",
        "lower_bound": "at least (“more than”)",
        "valuation_line": "October 2024 valuation: {v}",
        "according": "according to {who}",
        "tl_title": "A decade of feuding between Elon Musk and OpenAI",
        "tl_sub": "Events as the articles date them; a bar spans what the date allows (a year, "
        "a month),\na dot is a single day; after each label, the articles that report it",
        "contrib_title": "How much did Musk give? Five versions, from $44M to about $100M",
        "contrib_sub": "Elon Musk’s contribution to OpenAI by party and by article, in $M",
        "year_title": "When did Musk oppose the for-profit turn? 2017, 2018 or 2020",
        "year_sub": "The year each article gives; according to OpenAI, Musk backed the plan",
        "no_date": "no date: {what}",
        "undated_backing": "undated e-mails",
        "src_title": "Which article reports what?",
        "src_sub": "Rows of the dataset each article supports, by kind of fact",
        "src_y": "Article (publication date)",
        "src_x": "Kind of fact",
        "year": "year",
        "month": "month",
        "day": "day",
    },
}


def _figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A figure outside pyplot: nothing global to close, and no pyplot import in the kernels."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _chart(name: str, fig: Figure, drawn: pd.DataFrame, ds: Dataset, lang: str) -> Chart:
    text = style.footer(fig, ds, drawn, lang)
    drawn = drawn.assign(footer=text)
    return Chart(name, fig, drawn.reset_index(drop=True), text)


# --- 01 -------------------------------------------------------------------------------------


def valuation_growth(ds: Dataset, lang: str) -> Chart:
    """Bars: the previous valuation, the money raised in October 2024, the valuation after."""
    style.apply()
    t = T[lang]
    v = queries.valuations(ds)
    before, after = v.iloc[0], v.iloc[-1]
    raised = ds.figures[ds.figures["kind"] == "funding_round"].iloc[0]
    rows = pd.DataFrame([before, raised, after])
    rows["bar"] = [t["previous"], t["raised"], t["after"]]
    multiple = queries.valuation_multiple(ds)

    fig, ax = _figure((10, 6.2))
    fig.subplots_adjust(top=0.84, bottom=0.2, left=0.09, right=0.97)
    x = np.arange(3)
    colours = [style.MUTED, style.PALETTE[1], style.PALETTE[0]]
    ax.bar(x, rows["value"] / 1e9, color=colours, width=0.6)
    for xi, val in zip(x.tolist(), rows["value"], strict=True):
        ax.text(
            xi,
            val / 1e9 + 3,
            i18n.money(val, lang),
            ha="center",
            va="bottom",
            fontsize=14,
            fontweight="bold",
            color=style.INK,
        )
    ax.set_xticks(x, list(rows["bar"]))
    ax.set_ylim(0, 200)
    ax.set_yticks([0, 50, 100, 150])
    ax.set_yticklabels([i18n.money(y * 1e9, lang) if y else "0" for y in [0, 50, 100, 150]])
    ax.grid(axis="x", visible=False)
    # The growth: a dashed line at the previous level, an arrow up to the new one.
    lo, hi = before["value"] / 1e9, after["value"] / 1e9
    ax.plot([-0.3, 2.3], [lo, lo], ls="--", lw=1.2, color=style.MUTED)
    ax.annotate(
        "",
        xy=(2.42, hi),
        xytext=(2.42, lo),
        arrowprops={"arrowstyle": "->", "color": style.INK, "lw": 1.8},
    )
    ax.text(
        2.48,
        (lo + hi) / 2,
        t["multiple"].format(m=i18n.number(multiple, lang, 2)),
        ha="left",
        va="center",
        fontsize=13,
        color=style.INK,
    )
    ax.set_xlim(-0.5, 3.0)
    style.titles(fig, t["val_title"], t["val_sub"])
    drawn = rows[FIGURE_COLUMNS].copy()
    drawn["label"] = [s.replace("\n", " ") for s in rows["bar"]]
    drawn["multiple_after_over_before"] = round(multiple, 4)
    return _chart("01-valuation-growth", fig, drawn, ds, lang)


# --- 02 -------------------------------------------------------------------------------------

BOUND_MARKERS = {"exact": "o", "approximate": "o", "upper_bound": "<", "lower_bound": ">"}


def _bound_legend(t: dict[str, str], bounds: list[str]) -> list[Line2D]:
    """One legend entry per kind of bound, drawn as the markers are."""
    return [
        Line2D([], [], marker=BOUND_MARKERS[b], ls="none", color=style.INK, ms=9,
               mfc="white" if b == "approximate" else style.INK, label=t[b])
        for b in bounds
    ]  # fmt: skip


#: The columns of a figures row that every chart's CSV keeps (what was drawn, and its source).
FIGURE_COLUMNS = ["id", "subject", "kind", "payer", "value", "unit", "bound", "date",
                  "date_precision", "asserted_by", "source_id", "excerpt"]  # fmt: skip


def _who(row: pd.Series, lang: str) -> str:
    return i18n.ASSERTORS[lang][str(row["asserted_by"])]


def funding_sources(ds: Dataset, lang: str) -> Chart:
    """Every amount paid or pledged to OpenAI, on a log scale; each version on its own line."""
    style.apply()
    t = T[lang]
    money = queries.money_by_payer(ds)
    order = {"donation": 0, "pledge": 1, "investment": 2, "funding_round": 3}
    money = money.assign(_o=money["kind"].astype(str).map(order), _v=-money["value"])
    money = money.sort_values(["_o", "payer", "date_start", "_v", "id"]).drop(columns=["_o", "_v"])
    investors = ds.members[ds.members["role"] == "investor"]["member"].tolist()

    lanes = []
    for _, r in money.iterrows():
        who = t["according"].format(who=_who(r, lang))
        if r["kind"] == "funding_round":
            name = "Levée de fonds" if lang == "fr" else "Funding round"
        elif r["payer"] == "other donors":
            name = "Autres donateurs" if lang == "fr" else "Other donors"
        elif r["payer"] == "unspecified":
            name = "Engagement annoncé" if lang == "fr" else "Announced commitment"
        else:
            name = f"{r['payer']} · {i18n.KINDS[lang][str(r['kind'])].lower()}"
        when = (
            ""
            if r["date_precision"] == "none"
            else (f", {i18n.date(r['date'], r['date_precision'], lang)}")
        )
        if r["kind"] == "funding_round":  # the investors the article names
            when += f"\n({', '.join(investors)}…)"
        lanes.append(f"{name}{when}\n{who} ({r['source_id']})")
    money = money.assign(lane=lanes).reset_index(drop=True)

    fig, ax = _figure((10, 8.4))
    fig.subplots_adjust(top=0.83, bottom=0.1, left=0.39, right=0.97)
    y = np.arange(len(money))[::-1]
    for yi, (_, r) in zip(y, money.iterrows(), strict=True):
        colour = style.KIND_COLOURS[str(r["kind"])]
        v = r["value"]
        if r["bound"] == "upper_bound":
            ax.plot([v / 3, v], [yi, yi], color=colour, lw=2.5, alpha=0.6)
        if r["bound"] == "lower_bound":
            ax.plot([v, v * 3], [yi, yi], color=colour, lw=2.5, alpha=0.6)
        hollow = r["bound"] == "approximate"
        ax.plot(
            v,
            yi,
            marker=BOUND_MARKERS[str(r["bound"])],
            ms=11,
            color=colour,
            mfc="white" if hollow else colour,
            mew=2.2,
            ls="none",
        )
        text = i18n.money_bound(v, str(r["bound"]), lang)
        ax.text(
            v * 1.35 if r["bound"] != "lower_bound" else v * 3.6, yi, text, va="center", fontsize=11
        )
    val = queries.valuations(ds).iloc[-1]
    ax.axvline(val["value"], color=style.MUTED, ls="--", lw=1.2)
    ax.text(
        val["value"] / 1.1,
        len(money) - 0.4,
        t["valuation_line"].format(v=i18n.money(val["value"], lang)),
        ha="right",
        va="bottom",
        fontsize=10,
        color=style.MUTED,
    )
    ax.set_xscale("log")
    ax.set_xlim(1e7, 4e11)
    ticks = [1e7, 1e8, 1e9, 1e10, 1e11]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([i18n.money(x, lang) for x in ticks])
    ax.set_yticks(y, list(money["lane"]), fontsize=10)
    ax.set_ylim(-0.7, len(money) + 0.2)
    ax.grid(axis="y", visible=False)
    handles = _bound_legend(t, ["exact", "approximate", "upper_bound", "lower_bound"])
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.005, 0.895),
        ncol=4,
        fontsize=10,
        handletextpad=0.3,
        columnspacing=1.0,
    )
    style.titles(fig, t["fund_title"], t["fund_sub"])
    drawn = money[FIGURE_COLUMNS].copy()
    drawn["label"] = [x.replace("\n", " — ") for x in money["lane"]]
    return _chart("02-funding-sources", fig, drawn, ds, lang)


# --- 03 -------------------------------------------------------------------------------------


def dispute_timeline(ds: Dataset, lang: str, start: str = "2015", end: str = "2024") -> Chart:
    """Every dated event in the window, one line each, coloured by kind; a bar spans the
    period its date allows (a year, a month), a dot marks a day."""
    style.apply()
    t = T[lang]
    lo = pd.Period(start, freq="D" if len(start) > 7 else "M" if len(start) > 4 else "Y")
    hi = pd.Period(end, freq="D" if len(end) > 7 else "M" if len(end) > 4 else "Y")
    lo_ts, hi_ts = lo.start_time, hi.end_time.normalize()
    if lo_ts > hi_ts:
        raise ValueError(f"the window starts ({start}) after it ends ({end})")
    tl = queries.timeline(ds)
    tl = tl[(tl["date_end"] >= lo_ts) & (tl["date_start"] <= hi_ts)].reset_index(drop=True)
    n = len(tl)
    fig, ax = _figure((10, 2.6 + 0.36 * max(n, 4)))
    fig.subplots_adjust(
        top=1 - 1.65 / fig.get_figheight(), bottom=0.95 / fig.get_figheight(), left=0.03, right=0.97
    )
    y = np.arange(n)[::-1]
    span_days = (hi_ts - lo_ts).days
    for yi, (_, r) in zip(y, tl.iterrows(), strict=True):
        colour = style.KIND_COLOURS[str(r["kind"])]
        s0, s1 = r["date_start"], r["date_end"] + pd.Timedelta(days=1)
        if r["date_precision"] == "day":
            ax.plot(s0, yi, "o", ms=8, color=colour)
        else:
            ax.barh(yi, s1 - s0, left=s0, height=0.62, color=colour, alpha=0.9)
        when = i18n.date(str(r["date"]), str(r["date_precision"]), lang)
        text = f"{i18n.label(r, lang)} — {when} · {r['source_ids']}"
        right_side = (s0 - lo_ts).days < span_days * 0.55
        ax.text(
            s1 + pd.Timedelta(days=25) if right_side else s0 - pd.Timedelta(days=25),
            yi,
            text,
            ha="left" if right_side else "right",
            va="center",
            fontsize=10,
            color=style.INK,
        )
    years = pd.date_range(lo_ts.normalize(), hi_ts, freq="YS")
    ax.set_xticks(list(years), [str(d.year) for d in years])  # type: ignore[arg-type]
    ax.set_xlim(
        lo_ts - pd.Timedelta(days=60),  # type: ignore[arg-type]
        hi_ts + pd.Timedelta(days=60),  # type: ignore[arg-type]
    )
    ax.set_yticks([])
    ax.set_ylim(-0.8, n - 0.2)
    ax.spines["left"].set_visible(False)
    kinds = [k for k in style.KIND_COLOURS if k in set(tl["kind"].astype(str))]
    handles = [
        Line2D(
            [],
            [],
            marker="s",
            ls="none",
            ms=10,
            color=style.KIND_COLOURS[k],
            label=i18n.KINDS[lang][k],
        )
        for k in kinds
    ]
    precision = [
        Line2D([], [], marker="o", ls="none", ms=8, color=style.MUTED, label=t["day"]),
        Line2D([], [], lw=6, color=style.MUTED, label=f"{t['month']} / {t['year']}"),
    ]
    fig.legend(
        handles=handles + precision,
        loc="upper left",
        ncol=(len(handles) + 3) // 2,
        bbox_to_anchor=(0.005, 1 - 1.0 / fig.get_figheight()),
        fontsize=10,
        handletextpad=0.5,
        columnspacing=1.2,
    )
    style.titles(fig, t["tl_title"], t["tl_sub"])
    # Titles sit at fixed inches from the top, whatever the figure's height.
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.48), strict=True):
        txt.set_y(1 - inches / fig.get_figheight())
    drawn = tl[
        [
            "subject",
            "kind",
            "date",
            "date_precision",
            "date_start",
            "date_end",
            "asserted_by",
            "source_id",
            "source_ids",
            "event_ids",
            "excerpt",
        ]
    ].copy()
    drawn["label"] = [i18n.label(r, lang) for _, r in tl.iterrows()]
    drawn["date_start"] = drawn["date_start"].dt.strftime("%Y-%m-%d")
    drawn["date_end"] = drawn["date_end"].dt.strftime("%Y-%m-%d")
    all_sources = sorted({x for ids in tl["source_ids"] for x in ids.split(", ")})
    footer_rows = pd.DataFrame({"source_id": all_sources})
    text = style.footer(fig, ds, footer_rows, lang)
    return Chart("03-dispute-timeline", fig, drawn.assign(footer=text), text)


# --- 04 -------------------------------------------------------------------------------------


def musk_contribution(ds: Dataset, lang: str) -> Chart:
    """Each version of what Musk gave, on one linear scale, coloured by who says it."""
    style.apply()
    t = T[lang]
    v = queries.versions(ds, "musk_contribution")
    v = v.assign(_v=-v["value"]).sort_values(["_v", "id"]).drop(columns="_v")
    v = v.reset_index(drop=True)
    fig, ax = _figure((10, 5.6))
    fig.subplots_adjust(top=0.78, bottom=0.16, left=0.3, right=0.97)
    y = np.arange(len(v))[::-1]
    for yi, (_, r) in zip(y, v.iterrows(), strict=True):
        colour = style.ASSERTOR_COLOURS[str(r["asserted_by"])]
        m = r["value"] / 1e6
        if r["bound"] == "upper_bound":
            ax.plot([0, m], [yi, yi], color=colour, lw=3, alpha=0.45)
        ax.plot(
            m,
            yi,
            marker=BOUND_MARKERS[str(r["bound"])],
            ms=12,
            ls="none",
            color=colour,
            mfc="white" if r["bound"] == "approximate" else colour,
            mew=2.4,
        )
        ax.text(
            m + 3,
            yi,
            i18n.money_bound(r["value"], str(r["bound"]), lang),
            va="center",
            fontsize=12,
            fontweight="bold",
            color=colour,
        )
    labels = [
        f"{t['according'].format(who=_who(r, lang))}\n({r['source_id']}, "
        f"{i18n.date(*_pub(ds, r['source_id']), lang)})"
        for _, r in v.iterrows()
    ]
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_xlim(0, 140)
    ax.set_xticks([0, 25, 50, 75, 100, 125])
    ax.set_xticklabels([i18n.money(x * 1e6, lang) if x else "0" for x in [0, 25, 50, 75, 100, 125]])
    ax.set_ylim(-0.6, len(v) - 0.4)
    ax.grid(axis="y", visible=False)
    handles = _bound_legend(t, ["exact", "approximate", "upper_bound"])
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.005, 0.86),
        ncol=3,
        fontsize=10,
        handletextpad=0.3,
    )
    style.titles(fig, t["contrib_title"], t["contrib_sub"])
    drawn = v[["id", "value", "unit", "bound", "asserted_by", "source_id", "excerpt"]].copy()
    drawn["label"] = [x.replace("\n", " ") for x in labels]
    return _chart("04-musk-contribution", fig, drawn, ds, lang)


def _pub(ds: Dataset, source_id: str) -> tuple[str, str]:
    row = ds.sources.set_index("source_id").loc[source_id]
    return str(row["date_published"]), str(row["date_precision"])


def for_profit_opposition(ds: Dataset, lang: str) -> Chart:
    """The year each version gives for Musk's opposition to the for-profit turn."""
    style.apply()
    t = T[lang]
    v = queries.versions(ds, "musk_opposes_for_profit")
    v = v.sort_values(["date_start", "id"], na_position="last").reset_index(drop=True)
    fig, ax = _figure((10, 5.2))
    fig.subplots_adjust(top=0.8, bottom=0.17, left=0.42, right=0.97)
    y = np.arange(len(v))[::-1]
    labels = []
    for yi, (_, r) in zip(y, v.iterrows(), strict=True):
        colour = style.ASSERTOR_COLOURS[str(r["asserted_by"])]
        who = t["according"].format(who=_who(r, lang))
        labels.append(f"{i18n.label(r, lang)}\n({who}, {r['source_id']})")
        if r["date_precision"] == "none":
            ax.text(
                2015,
                yi,
                t["no_date"].format(what=t["undated_backing"]),
                va="center",
                fontsize=11,
                color=colour,
                fontstyle="italic",
            )
            continue
        year = r["date_start"].year
        ax.barh(yi, 1, left=year, height=0.55, color=colour)
        ax.text(
            year + 1.08, yi, str(year), va="center", fontsize=12, fontweight="bold", color=colour
        )
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_xlim(2014.8, 2021.8)
    ax.set_xticks([x + 0.5 for x in range(2015, 2022)], [str(x) for x in range(2015, 2022)])
    ax.set_ylim(-0.7, len(v) - 0.3)
    ax.grid(axis="y", visible=False)
    style.titles(fig, t["year_title"], t["year_sub"])
    drawn = v[
        ["id", "date", "date_precision", "date_basis", "asserted_by", "source_id", "excerpt"]
    ].copy()
    drawn["label"] = [i18n.label(r, lang) for _, r in v.iterrows()]
    return _chart("04-for-profit-opposition", fig, drawn, ds, lang)


# --- 05 -------------------------------------------------------------------------------------


def facts_heatmap(ds: Dataset, lang: str) -> Chart:
    """A seaborn heatmap: how many rows of each kind each article supports."""
    import seaborn as sns  # only this chart needs it: the other kernels skip the import

    style.apply()
    t = T[lang]
    counts = queries.facts_per_source(ds)
    counts["kind"] = [
        i18n.KINDS[lang]["rival_member" if k == "rival" and tb == "members" else k]
        for k, tb in zip(counts["kind"], counts["table"], strict=True)
    ]
    grid = counts.pivot_table(
        index="source_id", columns="kind", values="rows", aggfunc="sum", fill_value=0
    )
    grid = grid[grid.sum().sort_values(ascending=False).index]
    grid.index = [f"{sid} ({i18n.date(*_pub(ds, sid), lang)})" for sid in grid.index]
    fig, ax = _figure((10, 6.4))
    fig.subplots_adjust(top=0.84, bottom=0.36, left=0.2, right=0.99)
    sns.heatmap(
        grid,
        annot=True,
        fmt="d",
        cmap="Blues",
        cbar=False,
        linewidths=1,
        linecolor="white",
        ax=ax,
        annot_kws={"fontsize": 11},
    )
    ax.set_xlabel(t["src_x"])
    ax.set_ylabel(t["src_y"])
    ax.tick_params(axis="x", rotation=45)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("right")
        lab.set_rotation_mode("anchor")
    ax.tick_params(axis="y", rotation=0)
    ax.grid(False)
    style.titles(fig, t["src_title"], t["src_sub"])
    long = grid.reset_index(names="source").melt(
        id_vars="source", var_name="kind", value_name="rows"
    )
    long["source_id"] = long["source"].str[:4]
    return _chart("05-sources", fig, long, ds, lang)


# --- registry -------------------------------------------------------------------------------

BUILDERS: dict[str, list[Callable[[Dataset, str], Chart]]] = {
    "01-valuation-growth": [valuation_growth],
    "02-funding-sources": [funding_sources],
    "03-dispute-timeline": [dispute_timeline],
    "04-contested-figures": [musk_contribution, for_profit_opposition],
    "05-sources": [facts_heatmap],
}


def build_all(
    lang: str,
    formats: str = "png,svg",
    dpi: int = 200,
    out_dir: str | os.PathLike[str] = "",
    ds: Dataset | None = None,
) -> list[Path]:
    """Every chart of every notebook in one process (the benchmark's floor, the staleness test)."""
    from .data import load

    params = validate(lang, formats, dpi, str(out_dir))
    ds = ds or load()
    written: list[Path] = []
    for builders in BUILDERS.values():
        for build in builders:
            written += save(build(ds, lang), params)
    return written
