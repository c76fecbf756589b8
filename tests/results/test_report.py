"""The HTML report (:mod:`emulation.results.report`): what its charts draw and its tables say,
against the evaluation they come from; links, escaping, no network, the same bytes twice.

The page is read with Python's HTML parser (``report_pages.Page``); the browser's view of it is
in ``test_report_browser.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from report_pages import (
    MOVEMENT,
    Page,
    kpi_evaluation,
    movement_engine,
    movement_evaluation,
    renamed_units,
)

import emulation
from emulation.messages import outcome_label
from emulation.results.kpi import explain_kpi
from emulation.results.report import anchor, decision_anchor, render_report, subject_anchor
from emulation.results.text import explain_text
from emulation.results.view import OUTCOME_ORDER


@pytest.fixture(scope="module")
def movement() -> tuple[object, str, str]:
    evaluation = movement_evaluation()
    return evaluation, render_report(evaluation), render_report(evaluation, "en")


def test_the_counts_chart_draws_one_segment_per_award_and_outcome_that_occurs(movement) -> None:
    evaluation, html, _ = movement
    counts = Counter((d.award, d.outcome) for d in evaluation.decisions())
    awards = sorted({award for award, _ in counts})
    expected = sorted(
        f"chart-counts-bar-{awards.index(award)}-{outcome}" for award, outcome in counts
    )
    assert Page(html).marks("chart-counts") == expected
    assert len(expected) == 4  # granted, over the quota, data missing, not eligible


def test_the_counts_table_gives_each_outcome_in_the_terminal_views_order_and_words(
    movement,
) -> None:
    evaluation, html, english = movement
    totals = Counter(d.outcome for d in evaluation.decisions())
    for lang, page in (("vi", Page(html)), ("en", Page(english))):
        headers = page.text("table-counts")
        labels = [outcome_label(o, lang) for o in OUTCOME_ORDER if totals[o]]
        positions = [headers.index(label) for label in labels]
        assert positions == sorted(positions), labels
    footer = re.search(r"<tfoot><tr><td>Tổng</td>(.*?)</tr></tfoot>", html)
    assert footer is not None
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', footer.group(1))]
    present = [totals[o] for o in OUTCOME_ORDER if totals[o]]
    assert numbers == [*present, sum(present)]


def test_each_standings_group_is_a_chart_of_the_known_totals_and_a_table_with_ties(
    movement,
) -> None:
    evaluation, html, _ = movement
    page = Page(html)
    groups: dict[str, list] = {}
    for place in evaluation.standings_of():
        groups.setdefault(place.group, []).append(place)
    totals = {row["subject"]: row["total"] for row in evaluation.scores().to_dicts()}
    for index, group in enumerate(groups):
        known = [p for p in groups[group] if totals.get(p.subject) is not None]
        assert len(page.marks(f"chart-standings-{index}")) == len(known), group
    # departments: so-giao-duc and so-tai-chinh share the second place; xa-my-khanh has no
    # total, so no bar, and ∅ in the table
    departments = page.text("standings-0")
    assert "2=" in departments
    assert "so-giao-duc" in departments
    assert "∅" in page.text("standings-1")
    assert len(page.marks("chart-standings-1")) == 3


def test_who_earns_what_lists_the_granted_with_links_to_them_and_their_decision(
    movement,
) -> None:
    evaluation, html, _ = movement
    granted = [d for d in evaluation.decisions() if d.outcome == "granted"]
    links = [a["href"] for a in Page(html).within("table-earnings", "a")]
    expected = []
    for decision in granted:
        expected += [
            "#" + subject_anchor(decision.subject),
            "#" + decision_anchor(decision.subject, decision.award),
        ]
    assert links == expected
    assert [d.subject for d in granted] == ["so-noi-vu"]


def test_every_subject_has_its_section_with_each_decision_explained(movement) -> None:
    evaluation, html, english = movement
    for lang, page in (("vi", Page(html)), ("en", Page(english))):
        for decision in evaluation.decisions():
            text = page.text(decision_anchor(decision.subject, decision.award))
            assert explain_text(decision, lang).strip() in text
            assert decision_anchor(decision.subject, decision.award) in page.texts
            assert outcome_label(decision.outcome, lang) in text
        sections = [a["id"] for _, a, _ in page.tags if a.get("class") == "subject"]
        assert sections == [
            subject_anchor(s) for s in sorted({p.subject for p in evaluation.standings_of()})
        ]


def test_every_link_leads_to_an_element_and_every_id_is_unique(movement) -> None:
    for html in movement[1:]:
        page = Page(html)
        ids = page.ids()
        assert len(ids) == len(set(ids))
        targets = [a["href"][1:] for name, a, _ in page.tags if a.get("href", "").startswith("#")]
        assert targets
        assert set(targets) <= set(ids)


def test_the_page_loads_nothing_and_runs_no_script(movement) -> None:
    for html in movement[1:]:
        page = Page(html)
        names = {name for name, _, _ in page.tags}
        assert not names & {"script", "link", "img", "iframe", "object", "embed", "image"}
        for _, attrs, _ in page.tags:
            for key in ("src", "href", "xlink:href", "srcset", "data"):
                value = attrs.get(key, "")
                assert not re.match(r"\s*(https?:)?//", value, re.IGNORECASE), (key, value)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", html, re.IGNORECASE)


def test_the_titles_are_vietnamese_by_default_and_english_on_request(movement) -> None:
    _, html, english = movement
    assert '<html lang="vi">' in html
    assert "<h1>Báo cáo kết quả thi đua, khen thưởng</h1>" in html
    assert "Ai được khen thưởng, được gì" in html
    assert '<html lang="en">' in english
    assert "<h1>Emulation and commendation report</h1>" in english
    assert "Who earns what" in english
    assert "Báo cáo" not in english


def test_the_same_evaluation_gives_the_same_bytes(movement) -> None:
    evaluation, html, _ = movement
    assert render_report(evaluation) == html
    assert render_report(movement_evaluation()) == html


def test_a_name_from_the_input_is_text_everywhere_never_markup(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> $\\alpha$ & <b>Sở</b>'
    evaluation = movement_evaluation(renamed_units(tmp_path, "so-noi-vu", hostile))
    html = render_report(evaluation)
    assert "<script" not in html
    assert "<b>Sở" not in html
    page = Page(html)
    assert hostile in page.text(subject_anchor("so-noi-vu"))
    assert hostile in page.text("table-earnings")
    # the standings chart writes the name as SVG text (escaped), not as mathematics
    assert hostile in page.text("chart-standings-0")


def test_kpis_are_charted_against_their_targets_and_explained_at_each_node() -> None:
    evaluation = kpi_evaluation()
    results = evaluation.kpi_results()
    page = Page(render_report(evaluation, "en"))
    with_value = [i for i, r in enumerate(results) if r.value is not None]
    with_target = [i for i, r in enumerate(results) if r.target is not None]
    assert page.marks("chart-kpi-0") == sorted(f"chart-kpi-0-bar-{i}" for i in with_value)
    assert page.marks("chart-kpi-0", "target") == sorted(
        f"chart-kpi-0-target-{i}" for i in with_target
    )
    assert 0 < len(with_value) < len(results)  # some nodes have no share: no bar, ∅
    table = page.text("kpi-0")
    assert {"Met", "Not met", "Data missing"} <= set(re.findall(r"Met|Not met|Data missing", table))
    for result in results:
        assert explain_kpi(result, "en").strip() in page.text(subject_anchor(result.node))


def test_anchors_never_meet_and_are_valid_ids() -> None:
    names = ["a b", "a_b", "a_20_b", "Sở Nội vụ", "so-noi-vu", "a--b", "a", "a/b", ""]
    made = [anchor(name) for name in names]
    assert len(set(made)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]*", found) for found in made)
    assert decision_anchor("a", "b--c") != decision_anchor("a--b", "c")


def test_a_name_in_another_script_is_drawn_without_a_warning(tmp_path: Path) -> None:
    # the suite turns warnings into errors: a warning of Matplotlib about the font would fail
    name = "Công đoàn 漢字 🙂 ٣"
    html = render_report(movement_evaluation(renamed_units(tmp_path, "so-noi-vu", name)))
    assert name in Page(html).text("chart-standings-0")


def test_a_period_without_candidates_gives_a_report_without_charts(tmp_path: Path) -> None:
    engine = movement_engine()
    evaluation = engine.evaluate(engine.read_population(MOVEMENT / "units.json"), "2025")
    html = render_report(evaluation)
    assert "<svg" not in html
    assert "Không có quyết định nào." in html
    assert "Không có ai được khen thưởng trong kỳ này." in html


def test_the_subjects_set_aside_are_listed_with_their_reason(
    tmp_path: Path, state_engine: emulation.Engine
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "subjects.csv").write_text(
        "id,kind,name,birth_year\nok,person,Ổn,1980\nclash,person,Trái <Ngược>,1980\n",
        encoding="utf-8",
    )
    (folder / "facts.csv").write_text(
        "subject,period,rating,good_attitude\nok,2024,HTT,true\n"
        "clash,2024,HTT,true\nclash,2024,HT,true\n",
        encoding="utf-8",
    )
    population = state_engine.read_population(folder)
    evaluation = state_engine.evaluate(population, "2024", ["ldtt"])
    [item] = population.set_aside
    page = Page(render_report(evaluation, "en"))
    listed = page.text("set-aside")
    assert "clash" in listed
    assert "Trái <Ngược>" in listed
    assert item.to_dict("en")["message"] in listed
    assert f"{folder / 'facts.csv'}: row 3" in listed
    assert {d.subject for d in evaluation.decisions()} == {"ok"}


STANDINGS = Path(__file__).resolve().parents[1] / "rulesets" / "standings" / "standings.toml"
CLUSTER = [
    {"id": "u", "kind": "collective", "cluster": "K", "name": "Đơn vị U", "facts": {"2024": {"score": "80.5"}}},
    {"id": "v", "kind": "collective", "cluster": "K", "name": "Đơn vị V", "facts": {"2024": {"score": "90"}}},
    {"id": "x", "kind": "collective", "cluster": "K", "name": "Đơn vị X", "facts": {"2024": {"score": "80.5"}}},
]  # fmt: skip


@pytest.mark.parametrize("first_key", ["score", "score * 2"])
def test_standings_by_a_fact_show_its_values_and_otherwise_the_places(
    tmp_path: Path, first_key: str
) -> None:
    """The cluster table of tests/rulesets/standings ranks by the fact ``score``: the bars are
    its values. Ranked by an expression, nothing is measured: the bars show the places."""
    text = STANDINGS.read_text(encoding="utf-8")
    marker = 'rank = [{ expr = "score", order = "desc" }]\nlabel = { vi = "Xếp hạng trong cụm"'
    assert marker in text
    path = tmp_path / "standings.toml"
    path.write_text(text.replace(marker, marker.replace('"score"', f'"{first_key}"')), "utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    evaluation = engine.evaluate(emulation.Population.from_json({"subjects": CLUSTER}), "2024")
    page = Page(render_report(evaluation, "vi"))
    [block] = [a["id"] for _, a, _ in page.tags if a.get("class") == "standings"]
    chart = f"chart-{block}"
    assert page.marks(chart) == [f"{chart}-bar-{i}" for i in range(3)]
    shown = page.text(chart)
    if first_key == "score":
        assert "90" in shown
        assert "80,5" in shown  # the Vietnamese decimal comma
        assert "Thứ hạng" not in shown
    else:
        assert "80,5" not in shown
        assert "Thứ hạng (thanh dài nhất: hạng 1)" in shown
        assert "2=" in shown  # u and x share the second place
    table = page.text(block)
    assert "2=" in table
    assert "Đơn vị V" in table
