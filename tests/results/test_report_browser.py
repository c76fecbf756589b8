"""The HTML report as a real browser draws it: Debian's ``chromium``, headless, offline.

``--dump-dom`` gives the page as the browser built it: the charts must be SVG elements with
their bars; ``--screenshot`` gives what it painted: the bars' colours must be on screen. The
browser runs with networking features off and a fresh profile. Where no ``chromium`` is
installed the tests are skipped and say how to install it (``.ci/run`` does).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from report_pages import Page, kpi_evaluation, movement_evaluation

from emulation.results.report import decision_anchor, render_report, subject_anchor
from emulation.results.report_charts import OUTCOME_COLOURS, STANDING_COLOUR

BROWSER = shutil.which("chromium")

pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="chromium not installed: apt-get install chromium"
)


def chromium(tmp_path: Path, page: Path, *args: str) -> str:
    """Run the headless browser on ``page``; its standard output."""
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return done.stdout


def written(tmp_path: Path, html: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def test_the_browser_builds_the_charts_bars_titles_and_subject_sections(tmp_path: Path) -> None:
    evaluation = movement_evaluation()
    source = render_report(evaluation)
    dom = Page(chromium(tmp_path, written(tmp_path, source, "vi.html"), "--dump-dom"))
    svgs = [attrs["id"] for name, attrs, _ in dom.tags if name == "svg"]
    assert svgs == ["chart-counts", "chart-standings-0", "chart-standings-1"]
    drawn = {name for name, _, above in dom.tags if "chart-counts" in above}
    assert {"g", "path", "text"} <= drawn
    assert dom.marks("chart-counts") == Page(source).marks("chart-counts")
    assert len(dom.marks("chart-counts")) == 4
    assert len(dom.marks("chart-standings-0")) == 5
    assert len(dom.marks("chart-standings-1")) == 3  # one ward has no total
    assert "Báo cáo kết quả thi đua, khen thưởng" in dom.text("top")
    decision = next(d for d in evaluation.decisions() if d.outcome == "granted")
    assert "Đạt" in dom.text(decision_anchor(decision.subject, decision.award))
    assert dom.text(subject_anchor("so-noi-vu")).startswith("\nSở Nội vụ (so-noi-vu)")


def test_the_english_report_and_its_kpi_chart_in_the_browser(tmp_path: Path) -> None:
    evaluation = kpi_evaluation()
    results = evaluation.kpi_results()
    source = render_report(evaluation, "en")
    dom = Page(chromium(tmp_path, written(tmp_path, source, "en.html"), "--dump-dom"))
    assert "Emulation and commendation report" in dom.text("top")
    assert "KPIs by node against their targets" in dom.text("kpis")
    assert len(dom.marks("chart-kpi-0")) == sum(r.value is not None for r in results)
    assert len(dom.marks("chart-kpi-0", "target")) == len(results)
    assert "Explanation" not in dom.text("top")


def _colours(png: Path) -> dict[tuple[int, int, int], int]:
    """How many pixels of each colour are painted (Pillow comes with Matplotlib, which the
    report needs)."""
    with Image.open(png) as opened:
        found = opened.convert("RGB").getcolors(maxcolors=1 << 24)
    assert found is not None
    return {colour: count for count, colour in found}


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_the_browser_paints_the_bars_in_their_colours(tmp_path: Path) -> None:
    """The same page with and without its charts: the bars' colours cover at least a bar's
    area more with them (the tables' legend marks share the outcome colours)."""
    source = render_report(movement_evaluation())
    without = re.sub(r"<svg\b.*?</svg>", "", source, flags=re.DOTALL)
    assert without.count("<figure") == 3
    assert "<svg" not in without
    painted = {}
    for name, html in (("with", source), ("without", without)):
        png = tmp_path / f"{name}.png"
        page = written(tmp_path, html, f"{name}.html")
        chromium(tmp_path, page, f"--screenshot={png}", "--window-size=1200,2600")
        painted[name] = _colours(png)
    for colour in (
        OUTCOME_COLOURS["granted"],
        OUTCOME_COLOURS["eligible_over_quota"],
        OUTCOME_COLOURS["not_eligible"],
        OUTCOME_COLOURS["data_missing"],
        STANDING_COLOUR,
    ):
        rgb = _rgb(colour)
        assert painted["with"].get(rgb, 0) - painted["without"].get(rgb, 0) > 400, colour
