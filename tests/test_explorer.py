"""The fact explorer as readers use it: claims listed and filterable, who says what in every
dispute (static checks on the page written from the dataset, no kernel); and, in Chromium, a
search for « Kwon », filters that survive a search with no result, filter values reached by Tab
and applied by Enter, every column reachable on a 390-px phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from helpers import write_site_pages

from musk_openai.dataset import data
from musk_openai.report.site import facts
from musk_openai.story import i18n

LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report's own pages (sources, explorer) written from the dataset: no kernel."""
    return write_site_pages(tmp_path_factory.mktemp("explorer"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def column(table: Any, name: str, lang: str) -> list[str]:
    """A column of the explorer's frame as text (its HTML's words)."""
    header = i18n.t(f"report.columns.{name}", lang)
    return [BeautifulSoup(c, "html.parser").get_text() for c in table[header]]


@pytest.mark.parametrize("lang", LANGS)
def test_every_claim_is_in_the_explorer_with_its_suit_party_and_stance(
    ds: data.Dataset, lang: str
) -> None:
    table = facts.frame(ds, lang)
    ids = column(table, "id", lang)
    assert set(ds.claims["id"]) <= set(ids)
    by_id = {i: n for n, i in enumerate(ids)}
    suits, targets = column(table, "suit", lang), column(table, "target", lang)
    stances, sources = column(table, "stance", lang), column(table, "source", lang)
    for claim in ds.claims.itertuples():
        n = by_id[claim.id]
        assert sources[n] == claim.source_id
        assert stances[n] == i18n.t(f"chart.lawsuits.stance.{claim.stance}", lang)
        suit = claim.proceeding if isinstance(claim.proceeding, str) else ""
        assert suits[n] == i18n.t(f"report.suits.{suit or 'none'}", lang)
        for party in str(claim.target or "").split(";"):
            if party.strip() and party.strip() != "his partners":
                assert (
                    party.strip() in targets[n]
                    or i18n.t(f"chart.lawsuits.party.{party.strip()}", lang) in targets[n]
                ), (claim.id, targets[n])
    filtered = {facts.COLUMNS[i] for i in facts.datatable_options(lang)["searchPanes"]["columns"]}
    assert {"suit", "target", "stance", "asserted_by"} <= filtered


def test_a_claim_against_several_parties_is_one_filter_value_per_party(ds: data.Dataset) -> None:
    several = ds.claims[ds.claims["target"].fillna("").str.contains(";")]
    assert not several.empty
    table = facts.frame(ds, "en")
    header = i18n.t("report.columns.target", "en")
    ids = column(table, "id", "en")
    for claim in several.itertuples():
        cell = BeautifulSoup(table[header][ids.index(claim.id)], "html.parser")
        values = [s.get_text() for s in cell.select("[data-value]")]
        assert len(values) == len(str(claim.target).split(";")), (claim.id, values)


@pytest.mark.parametrize("lang", LANGS)
def test_claims_are_anchored_and_highlighted_on_their_source_pages(
    pages: Path, ds: data.Dataset, lang: str
) -> None:
    for claim in ds.claims.itertuples():
        page = soup(pages / lang / "sources" / f"{claim.source_id}.html")
        target = page.find(id=claim.id)
        assert target is not None, claim.id
        mark = target if target.name == "mark" else target.find_parent("mark")
        assert mark is not None and claim.id in mark["data-rows"].split()
        assert page.select_one(f'aside a[href="#{claim.id}"]') is not None


@pytest.mark.parametrize("lang", LANGS)
def test_who_says_what_shows_every_version_of_every_dispute(
    pages: Path, ds: data.Dataset, lang: str
) -> None:
    page = soup(pages / lang / "facts.html")
    section = page.find(id="who-says-what")
    assert section is not None
    assert page.find("a", href="#who-says-what") is not None  # reached from the top
    disputes = section.select("article.dispute")
    assert [d["id"] for d in disputes] == [f"dispute-{s}" for s in ds.disputes["subject"]]
    for d, dispute in zip(disputes, ds.disputes.itertuples(), strict=True):
        assert d.h3 is not None and d.h3.get_text() == i18n.typography(
            getattr(dispute, f"question_{lang}"), lang
        )
        table = getattr(ds, dispute.table)
        rows = table[table["subject"] == dispute.subject]
        cards = d.select("li.version")
        assert len(cards) == len(rows) >= 2
        for card, row in zip(cards, rows.itertuples(), strict=True):
            who = row.claimant if dispute.table == "claims" else row.asserted_by
            assert card.select_one(".who strong").get_text() == i18n.assertor(who, lang)
            quote = card.blockquote
            assert quote["lang"] == "fr"
            said = quote.get_text().strip()
            assert said == f"«\u202f{i18n.typography(row.excerpt, 'fr')}\u202f»"
            link = card.figcaption.a["href"]
            assert link == f"sources/{row.source_id}.html#{row.id}"
            assert soup(pages / lang / link.split("#")[0]).find(id=row.id) is not None
        why = d.select_one(".why span[lang]")
        # in the page's language: the dataset's English note, translated for French readers
        assert why is not None and why["lang"] == lang
        assert not re.search(r"\bS\d{3}\b", why.get_text()), "sources named in words"


# --- in Chromium --------------------------------------------------------------------------------


@pytest.fixture()
def open_page(pages: Path, browser: Any) -> Iterator[Any]:
    """Opens the explorer of a language at a width; checks nothing was fetched from outside."""
    contexts, requested = [], []

    def opener(lang: str, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto((pages / lang / "facts.html").as_uri(), wait_until="load")
        page.wait_for_selector("div.dtsp-panesContainer", timeout=20000)
        page.wait_for_function("document.querySelector('.dtsp-searchPane tr[tabindex]')")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not [u for u in requested if not u.startswith(("file://", "data:", "blob:"))]


def info(page: Any) -> str:
    return str(page.locator(".dt-info").inner_text())


def shown_ids(page: Any) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "table#facts tbody tr", "trs => trs.map(t => t.querySelector('td a')?.textContent)"
        )
    )


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_searching_kwon_finds_his_claims(open_page: Any, ds: data.Dataset, lang: str) -> None:
    page = open_page(lang)
    before = info(page)
    page.fill("div.dt-search input", "Kwon")
    page.wait_for_function(f"document.querySelector('.dt-info').textContent !== {before!r}")
    kwon = ds.claims.loc[ds.claims["claimant"].str.contains("Kwon"), "id"]
    assert set(kwon) <= shown_ids(page)


@pytest.mark.browser
def test_a_search_with_no_result_keeps_the_filters(open_page: Any) -> None:
    page = open_page("fr")
    source = page.locator("div.dtsp-searchPane").filter(has_text="S000")
    source.locator("tbody tr", has_text="S000").first.click()
    page.wait_for_function(
        "document.querySelector('.dtsp-title').textContent.includes('1')"
        " || document.querySelectorAll('.dtsp-searchPane tr.selected').length"
    )
    title = page.locator(".dtsp-title").inner_text()
    filtered = info(page)
    page.fill("div.dt-search input", "zzzz-rien-de-tel")
    page.wait_for_timeout(400)
    assert page.locator("table#facts tbody td.dt-empty").count() == 1
    assert page.locator(".dtsp-title").inner_text() == title
    page.fill("div.dt-search input", "")
    page.wait_for_timeout(400)
    assert info(page) == filtered
    assert page.locator(".dtsp-searchPane tr.selected").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_tab_reaches_every_filter_value_and_enter_applies_it(
    open_page: Any, ds: data.Dataset, lang: str
) -> None:
    page = open_page(lang)
    values = page.locator(".dtsp-searchPane tbody tr")
    total = values.count()
    assert total > 20
    values.evaluate_all("rs => rs.forEach((r, i) => { r.dataset.k = i; })")
    values.first.focus()
    reached = set()
    for _ in range(total * 4):
        reached.add(page.evaluate("document.activeElement.dataset.k || null"))
        page.keyboard.press("Tab")
    assert reached - {None} == {str(i) for i in range(total)}  # each one, by Tab alone
    s003 = page.locator(".dtsp-searchPane tbody tr", has_text="S003").first
    s003.focus()
    outline = s003.evaluate("r => getComputedStyle(r).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.dtsp-searchPane tr.selected').length")
    rows = len(ds.figures) + len(ds.events) + len(ds.members) + len(ds.claims)
    in_s003 = sum(
        (t["source_id"] == "S003").sum() for t in (ds.figures, ds.events, ds.members, ds.claims)
    )
    assert f"{in_s003}" in info(page) and f"{rows}" in info(page)
    page.wait_for_function("document.activeElement.getAttribute('aria-selected') === 'true'")
    page.keyboard.press("ArrowDown")  # within a list, the arrows move too
    assert page.evaluate("document.activeElement.getAttribute('role')") == "option"
    assert "S004" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # again: the filter is lifted
    page.wait_for_function("!document.querySelectorAll('.dtsp-searchPane tr.selected').length")


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_on_a_phone_every_column_is_reachable(open_page: Any, lang: str) -> None:
    page = open_page(lang, width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    panes = page.locator(".dtsp-searchPane tbody tr")
    assert panes.count() > 0 and not any(panes.nth(i).is_visible() for i in range(panes.count()))
    # the filters start folded: the table comes first
    first = page.locator("table#facts tbody tr").first
    summary = first.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    names = first.locator("details dt").all_inner_texts()
    hidden = [c for c in facts.COLUMNS if c not in facts.ON_A_PHONE]
    assert names == [i18n.t(f"report.columns.{c}", lang) for c in hidden]
    assert first.locator("details dd").first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


#: DataTables' and SearchPanes' own English words, which a French page must not say.
ENGLISH = re.compile(r"\b(Search|Clear|Order|activate|Loading|Show|Collapse|entries|pagination)\b")


@pytest.mark.browser
def test_every_control_is_named_in_the_pages_language(open_page: Any) -> None:
    page = open_page("fr")
    controls = page.eval_on_selector_all(
        ".facts button, .facts input, .facts select, .facts [role=button], .facts [role=option]",
        """els => els.filter(e => e.offsetParent !== null).map(e => [e.outerHTML.slice(0, 80),
           e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent)
           || e.textContent.trim()])""",
    )
    assert len(controls) > 40
    unnamed = [html for html, name in controls if not (name or "").strip()]
    assert not unnamed, unnamed
    said = page.eval_on_selector_all(
        ".facts [aria-label], .facts [title], .facts [placeholder]",
        """els => els.filter(e => !e.closest('[hidden]')).map(e => [e.getAttribute('aria-label'),
           e.getAttribute('title'), e.getAttribute('placeholder')].join(' | '))""",
    )
    visible = page.locator(".facts").inner_text()
    english = [w for w in [*said, visible] if ENGLISH.search(w)]
    assert not english, english[:5]


@pytest.mark.browser
def test_every_filter_value_shows_its_count_inside_its_pane(open_page: Any) -> None:
    page = open_page("en")
    outside = page.eval_on_selector_all(
        ".dtsp-searchPane tbody tr",
        """rows => rows.filter(r => {
             const pane = r.closest('.dtsp-searchPane').getBoundingClientRect();
             const pill = r.querySelector('.dtsp-pill').getBoundingClientRect();
             return pill.right > pane.right + 1; }).map(r => r.textContent)""",
    )
    assert not outside, outside


@pytest.mark.browser
@pytest.mark.parametrize("name", ["date", "amount"])
def test_sorting_by_date_or_amount_follows_the_values_not_the_words(
    open_page: Any, ds: data.Dataset, name: str
) -> None:
    page = open_page("fr")
    header = i18n.t(f"report.columns.{name}", "fr")
    page.locator("table#facts thead th", has_text=header).locator(".dt-column-order").click()
    page.wait_for_function(
        "[...document.querySelectorAll('table#facts thead th')]"
        ".some(t => t.getAttribute('aria-sort') === 'ascending')"
    )
    nth = facts.COLUMNS.index(name) + 1
    cells = f"table#facts tbody td:nth-child({nth})"
    shown = page.eval_on_selector_all(cells, "tds => tds.map(t => t.textContent)")
    orders = page.eval_on_selector_all(
        cells, "tds => tds.map(t => t.querySelector('[data-order]').dataset.order)"
    )
    assert orders == sorted(orders) and len(set(orders)) > 3  # not the words' order
    if name == "date":  # the earliest year first: the founding, 2015
        assert shown[0] == "2015"
    else:  # the smallest amount in dollars first: the 44 million Musk says he invested
        smallest = ds.figures.loc[ds.figures["unit"] == "USD", "value"].min()
        assert shown[0] == i18n.money(smallest, "fr")


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_on_a_laptop_the_table_fits_and_the_other_columns_open_under_the_label(
    open_page: Any, lang: str
) -> None:
    page = open_page(lang, width=1280)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    table = page.locator("table#facts").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 1280
    first = page.locator("table#facts tbody tr").first
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    shown = [d for d in first.locator("details dt").all() if d.is_visible()]
    under = [c for c in facts.COLUMNS if c not in facts.ON_A_LAPTOP]
    assert [d.inner_text() for d in shown] == [i18n.t(f"report.columns.{c}", lang) for c in under]
    headers = page.eval_on_selector_all(
        "table#facts thead th", "ths => ths.filter(t => t.offsetParent).map(t => t.textContent)"
    )
    laptop = [c for c in facts.COLUMNS if c in facts.ON_A_LAPTOP]
    assert headers == [i18n.t(f"report.columns.{c}", lang) for c in laptop]


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_every_french_quote_of_the_english_explorer_is_marked_french(
    open_page: Any, width: int
) -> None:
    page = open_page("en", width=width)
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    unmarked = page.evaluate(
        """() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const found = [];
        while (walker.nextNode()) {
          const node = walker.currentNode;
          if (!node.data.includes("«") || !node.parentElement.checkVisibility()) continue;
          if (!node.parentElement.closest("[lang=fr]")) found.push(node.data.slice(0, 60));
        }
        return found;
      }"""
    )
    assert not unmarked, unmarked[:5]
