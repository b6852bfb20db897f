"""What a policy reader checks in the reports: which rules differ, whether a difference is clear
and whether it is large enough to matter (two questions, answered apart), neutral colours,
captions that point only at what the page holds, the map of every municipality, and the report
of a sweep."""

import base64
import io
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from matplotlib import colors as mcolors
from matplotlib import image as mimage
from matplotlib.path import Path as MplPath

import valinta_analysis as va
from valinta_analysis import bands, geo, plots, report, tables

import layouts
from conftest import ANALYSIS_DIR, REPO_DIR
from test_report import embedded_images, make_report, run_cli

MUNICIPALITIES = 309


# --- what differs ---------------------------------------------------------------------------------

def section(text: str, anchor: str) -> str:
    """The HTML of the section whose heading has id ``anchor``, up to the next h2."""
    start = text.index(f'<h2 id="{anchor}">')
    end = text.find("<h2", start + 1)
    return text[start:end if end >= 0 else len(text)]


def test_rule_differences_appear_with_their_values(comparison_file, tmp_path):
    rules = va.rule_differences(comparison_file)
    changed = rules[rules["scenario"] == "guarantee-14-days"].set_index("key")
    assert set(changed.index) == {"rules.care_guarantee_days", "rules.service_promise_days"}
    assert (changed.loc["rules.care_guarantee_days", "baseline"],
            changed.loc["rules.care_guarantee_days", "value"]) == (90, 14)
    assert (rules["scenario"] != "information-transparent").all()

    text = make_report(comparison_file, tmp_path / "comparison.html")
    differs = section(text, "what-differs")
    guarantee = differs[differs.index("<h3>B = guarantee-14-days</h3>"):
                        differs.index("<h3>B = information-transparent</h3>")]
    assert ("<tr><td><code>rules.care_guarantee_days</code></td><td>90</td><td>14</td></tr>"
            in guarantee)
    assert "<code>rules.service_promise_days</code></td><td>90</td><td>14</td>" in guarantee
    assert "Care guarantee 14 days" in guarantee  # the scenario's own description
    same = differs[differs.index("<h3>B = information-transparent</h3>"):]
    assert "The same rules as the baseline" in same and "<table" not in same
    # The scenario files are a detail of the comparison, not the answer to what differs.
    assert "scenarios/guarantee-14-days.yaml" not in differs
    assert "scenarios/guarantee-14-days.yaml" in section(text, "comparison")


def test_rules_missing_from_the_file_are_said(tmp_path):
    a, b, _ = layouts.known_summaries(3, {"mean_wait_days": 1.0})
    path = layouts.write_comparison(tmp_path / "no-text.h5", {"A": a, "B": b}, with_text=False)
    differs = section(report.build_report(path, dpi=40), "what-differs")
    assert "cannot be compared here" in differs


# --- clear, and large enough to matter ----------------------------------------------------------

def test_default_threshold():
    assert tables.default_threshold("ever_switched_share", 0.08) == 0.005
    assert tables.default_threshold("share_within_guarantee", float("nan")) == 0.005
    assert tables.default_threshold("mean_wait_days", 8.4) == pytest.approx(0.084)
    assert tables.default_threshold("organiser_cost_per_resident_year", -700.0) == pytest.approx(7.0)
    assert tables.default_threshold("er_diversions_per_1000_year", 0.0) == 0.0
    assert tables.default_threshold("mean_wait_days", float("nan")) == 0.0


def test_thresholds_from_the_command_line_are_in_the_units_shown():
    assert tables.parse_threshold("ever_switched_share=1") == ("ever_switched_share", 0.01)
    assert tables.parse_threshold("mean_wait_days=0.5") == ("mean_wait_days", 0.5)
    for bad in ("mean_wait_days", "=1", "mean_wait_days=x", "mean_wait_days=-1"):
        with pytest.raises(ValueError, match="--threshold"):
            tables.parse_threshold(bad)


@pytest.fixture(scope="module")
def tiny_difference(tmp_path_factory):
    """B has 0.0005 more visits per resident-year than A in every replication (give or take
    1e-6): a clear difference, far below the default threshold of 1 % of about 4.4 visits."""
    a, _, _ = layouts.known_summaries(5)
    b = a.copy()
    column = layouts.INDICATORS.index("visits_per_resident_year")
    b[:, column] += 0.0005 + np.array([1, -1, 2, -2, 0]) * 1e-6
    return layouts.write_comparison(tmp_path_factory.mktemp("tiny") / "tiny.h5",
                                    {"keski-suomi": a, "tiny": b})


def test_clear_is_not_large_enough(tiny_difference, tmp_path):
    table = va.comparison_table(tiny_difference).set_index(["scenario", "indicator"])
    row = table.loc[("tiny", "visits_per_resident_year")]
    assert row["difference"] == pytest.approx(0.0005)
    assert row["clear"] and not row["large_enough"]
    assert row["threshold"] == pytest.approx(0.01 * row["baseline_mean"], rel=1e-4)

    text = make_report(tiny_difference, tmp_path / "tiny.html")
    visits = re.search(r"<tr[^>]*><th>Visits per resident-year</th>.*?</tr>", text).group(0)
    cells = re.findall(r'<td class="value">(.*?)</td>', visits)
    assert cells[-3] == "yes"  # clear: the interval excludes 0
    assert cells[-1] == "no"  # but not large enough to matter
    assert cells[-2] == tables.format_threshold("visits_per_resident_year", row["threshold"])
    assert not visits.startswith('<tr class="matters">')
    assert "clear difference?" in text and "large enough to matter?" in text
    assert "smallest difference that matters" in text and "|B \u2212 A| \u2265 threshold" in text
    assert "0.5 %-points for shares and 1 % of the baseline mean" in text
    assert "Clear but too small to matter: tiny: visits per resident-year +0.0005" in text


def test_threshold_option_changes_what_matters(tiny_difference, tmp_path):
    output = tmp_path / "tiny.html"
    run_cli("report", tiny_difference, "-o", output, "--dpi", "40",
            "--threshold", "visits_per_resident_year=0.0001",
            "--threshold", "ever_switched_share=2")
    text = output.read_text(encoding="utf-8")
    visits = re.search(r"<tr[^>]*><th>Visits per resident-year</th>.*?</tr>", text).group(0)
    assert visits.startswith('<tr class="matters">')
    assert re.findall(r'<td class="value">(.*?)</td>', visits)[-2:] == ["0.00010", "yes"]
    switched = re.search(r"<tr[^>]*><th>Switched producer at least once</th>.*?</tr>", text)
    assert "2.0 %-points" in switched.group(0)
    assert "Set for this report:" in text
    summary = run_cli("summary", tiny_difference, "--threshold", "ever_switched_share=2").stdout
    assert "2.0 %-points" in summary and "large enough to matter?" in summary


@pytest.mark.parametrize("option", ["no_such_indicator=1", "mean_wait_days"])
def test_bad_threshold_is_an_error(tiny_difference, option):
    env = dict(os.environ, PYTHONPATH=str(ANALYSIS_DIR))
    result = subprocess.run([sys.executable, "-m", "valinta_analysis", "summary",
                             str(tiny_difference), "--threshold", option],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "--threshold" in result.stderr and "Traceback" not in result.stderr


# --- neutral colours -------------------------------------------------------------------------------

def _hue_classes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of strongly red and strongly green pixels (or colours) of an (..., 3) array."""
    hsv = mcolors.rgb_to_hsv(np.clip(rgb, 0, 1))
    hue, saturation, value = hsv[..., 0] * 360, hsv[..., 1], hsv[..., 2]
    vivid = (saturation > 0.4) & (value > 0.3)
    red = vivid & ((hue < 18) | (hue > 335))
    green = vivid & (hue > 75) & (hue < 165)
    return red, green


def css_colours(text: str) -> list[str]:
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    inline = " ".join(re.findall(r'style="([^"]*)"', text))
    return re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)|\b(?:red|green|lime)\b",
                      style + " " + inline)


def assert_neutral(text: str) -> None:
    """No red or green in the page's colours or in the pixels of its figures."""
    for colour in css_colours(text):
        assert colour not in ("red", "green", "lime"), colour
        red, green = _hue_classes(np.array(mcolors.to_rgb(colour)))
        assert not red and not green, f"page colour {colour} reads as red or green"
    for encoded in embedded_images(text):
        pixels = mimage.imread(io.BytesIO(base64.b64decode(encoded)), format="png")[..., :3]
        red, green = _hue_classes(pixels)
        share = (red.sum() + green.sum()) / red.size
        assert share < 5e-4, f"a figure has {share:.2%} red or green pixels"


def test_no_red_or_green_in_the_reports(small_run, comparison_file, sweep_file, tmp_path):
    for name, path in (("run", small_run), ("comparison", comparison_file), ("sweep", sweep_file)):
        assert_neutral(report.build_report(path, dpi=50))


def test_palettes_are_neutral():
    named = list(plots.PALETTE) + list(plots.SECTOR_COLOURS.values())
    named += [colour for _, _, colour in plots.EVENT_KINDS.values()]
    named += [style["color"] for style in bands.DIFFERENCE_STYLES.values()]
    ramps = [plots.SEQUENTIAL(np.linspace(0, 1, 64))[:, :3], plots.DIVERGING(np.linspace(0, 1, 64))[:, :3]]
    for rgb in [np.array(mcolors.to_rgb(c)) for c in named] + ramps:
        red, green = _hue_classes(rgb)
        assert not np.any(red) and not np.any(green)


# --- captions refer to what the page holds ----------------------------------------------------------

#: A phrase in a caption or text -> the element the page must then have.
REFERENCES = {
    "summary table": 'id="summary-table"',
    "forest plot": 'id="differences"',
    "table of runs": 'id="runs"',
    "sensitivity table": 'id="sensitivity-table"',
    "headline figures": 'id="headline-figures"',
    "what differs": 'id="what-differs"',
    "next figure": "<figure",
}


def assert_references_present(text: str) -> None:
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S)
    assert len(captions) == len(embedded_images(text)), "a figure without its caption"
    for caption in captions:
        lowered = caption.lower()
        for phrase, element in REFERENCES.items():
            if phrase in lowered:
                assert element in text, f"a caption cites the {phrase}, which the page lacks"
        if "next figure" in lowered:
            rest = text[text.index(caption) + len(caption):]
            assert "<figure" in rest, "a caption cites the next figure, but none follows"


def test_captions_refer_to_present_content(small_run, replications_file, comparison_file,
                                           sweep_file):
    pages = {kind: report.build_report(path, dpi=40) for kind, path in
             (("run", small_run), ("replications", replications_file),
              ("comparison", comparison_file), ("sweep", sweep_file))}
    for kind, text in pages.items():
        assert_references_present(text)
    # The replications report has no table of differences and no forest plot, and says nothing
    # of them; the comparison's band captions point to both, which it has.
    replications = " ".join(re.findall(r"<figcaption>(.*?)</figcaption>", pages["replications"]))
    assert "paired differences" not in replications and "forest plot" not in replications
    comparison = " ".join(re.findall(r"<figcaption>(.*?)</figcaption>", pages["comparison"]))
    assert "summary table and the forest plot above" in comparison
    # A caption says "above" of the table only where the table comes first.
    for kind in ("comparison",):
        text = pages[kind]
        assert text.index('id="summary-table"') < text.index('id="differences"')
    sweep = pages["sweep"]
    assert sweep.index('id="sensitivity-table"') < sweep.index('id="sensitivity"')
    assert sweep.index('id="runs"') < sweep.index('id="sweep_scatter"')


# --- the map ----------------------------------------------------------------------------------------

def municipalities(fig):
    found = [c for ax in fig.get_axes() for c in ax.collections if c.get_gid() == "municipalities"]
    assert found, "no municipalities drawn"
    return found


def test_map_draws_every_municipality(small_ds):
    fig = va.plot_zone_map(small_ds)
    (collection,) = municipalities(fig)
    assert len(collection.get_paths()) == MUNICIPALITIES
    assert len(set(collection.codes)) == MUNICIPALITIES
    faces = collection.get_facecolors()
    context = mcolors.to_rgba(geo.CONTEXT_FACE)
    inside = {code for code in plots.zone_codes(small_ds)}
    for code, face in zip(collection.codes, faces):
        assert (tuple(face) == context) == (code not in inside), code
    colourbar = [ax for ax in fig.get_axes() if ax.get_label() == "<colorbar>"]
    assert colourbar and "[%]" in colourbar[0].get_ylabel()
    assert fig._supxlabel.get_text() == geo.ATTRIBUTION
    # Equirectangular with the aspect of the region's latitude.
    ax = fig.get_axes()[0]
    middle = np.deg2rad(sum(ax.get_ylim()) / 2)
    assert ax.get_aspect() == pytest.approx(1 / np.cos(middle))


def test_multipolygons_keep_every_part():
    """Vaasa and Hammarland are MultiPolygons of two parts: one path each, with both parts."""
    by_name = {m.name: m for m in geo.load_boundaries()}
    for name in ("Vaasa", "Hammarland"):
        assert int(np.sum(by_name[name].path.codes == MplPath.MOVETO)) == 2, name


def test_a_code_missing_from_the_boundaries_is_named():
    """Honkajoki (099) merged into Kankaanpää in 2021: a zone with its code is not drawn, and the
    map says so instead of failing."""
    fig, axes = plots._figure()
    collection = geo.draw_municipalities(axes[0, 0], {"179": 1.0, "099": 2.0}, plots.SEQUENTIAL,
                                         mcolors.Normalize(0, 2))
    assert len(collection.get_paths()) == MUNICIPALITIES
    assert collection.missing == ["099"]
    assert any("099" in text.get_text() for text in axes[0, 0].texts)


def test_difference_map_is_centred_on_zero(comparison_file):
    fig = bands.plot_zone_differences(comparison_file)
    drawn = municipalities(fig)
    assert len(drawn) == 2  # one map per scenario B
    assert all(len(c.get_paths()) == MUNICIPALITIES for c in drawn)
    differences = bands.zone_away_differences(comparison_file)
    identical = differences.sel(scenario="information-transparent").values
    assert np.all((identical == 0) | np.isnan(identical))
    shifted = differences.sel(scenario="guarantee-14-days").values
    assert np.nanmax(shifted) < 0  # the series of guarantee-14-days are 0.8 times the baseline's
    colourbar = [ax for ax in fig.get_axes() if ax.get_label() == "<colorbar>"][0]
    low, high = colourbar.get_ylim()
    assert low == pytest.approx(-high)
    assert "%-points" in colourbar.get_ylabel()
    assert fig._supxlabel.get_text() == geo.ATTRIBUTION


def test_map_and_attribution_in_the_report(small_run, tmp_path):
    text = make_report(small_run, tmp_path / "run.html")
    assert geo.ATTRIBUTION in section(text, "zone_map")


def test_boundaries_not_found_leave_the_map_out(small_run, tmp_path, monkeypatch):
    monkeypatch.setenv(geo.ENVIRONMENT, str(tmp_path / "none.geojson"))
    text = report.build_report(small_run, dpi=40)
    left_out = section(text, "left-out")
    assert "no municipal boundaries" in left_out and "--boundaries" in left_out
    explicit = report.build_report(small_run, dpi=40,
                                   boundaries=REPO_DIR / "scenarios" / "data" / geo.FILE_NAME)
    assert 'id="zone_map"' in explicit


def test_boundaries_beside_an_installed_package(tmp_path):
    """Installed, the package is in share/valinta/python and the data in
    share/valinta/scenarios/data: the boundaries are found there, from any folder."""
    share = tmp_path / "share" / "valinta"
    shutil.copytree(ANALYSIS_DIR / "valinta_analysis", share / "python" / "valinta_analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (share / "scenarios" / "data").mkdir(parents=True)
    shutil.copy(REPO_DIR / "scenarios" / "data" / geo.FILE_NAME, share / "scenarios" / "data")
    env = {k: v for k, v in os.environ.items() if k not in (geo.ENVIRONMENT, "VALINTA_SCENARIOS")}
    env["PYTHONPATH"] = str(share / "python")
    result = subprocess.run([sys.executable, "-c", "from valinta_analysis import geo; "
                             "print(geo.find_boundaries()); print(len(geo.load_boundaries()))"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    found, count = result.stdout.split()
    assert found == str(share / "scenarios" / "data" / geo.FILE_NAME)
    assert int(count) == MUNICIPALITIES


def test_boundaries_beside_the_source_tree():
    assert geo.find_boundaries() == REPO_DIR / "scenarios" / "data" / geo.FILE_NAME


# --- the sweep report ---------------------------------------------------------------------------------

def test_sweep_report_from_the_command_line(sweep_file, tmp_path):
    output = tmp_path / "sweep.html"
    result = run_cli("report", sweep_file, "-o", output, "--dpi", "40")
    assert f"report: {output}" in result.stdout
    text = output.read_text(encoding="utf-8")
    parameters = section(text, "parameters")
    assert "choice.inertia" in parameters and "rules.care_guarantee_days" in parameters
    assert "14 to 90 (4 different values)" in parameters
    sensitivity = section(text, "sensitivity-table")
    inertia = re.search(r"<tr><th><code>choice.inertia</code></th>.*?</tr>", sensitivity).group(0)
    # The first indicator column of the fixture falls with choice.inertia: rank correlation -1.
    correlations = va.sensitivity_table(sweep_file)
    assert correlations.loc["choice.inertia", "ever_switched_share"] == pytest.approx(-1.0)
    assert "-1.00" in inertia
    assert "choice.inertia (-1.00)" in sensitivity
