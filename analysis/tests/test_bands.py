"""Figures and reports of comparison and replications files, and the command line on them."""

import pytest

import valinta_analysis as va
from valinta_analysis import bands, plots, report

from test_plots import PNG_SIGNATURE, assert_labelled
from test_report import assert_self_contained, embedded_images, make_report, run_cli


def assert_png(path):
    data = open(path, "rb").read()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000


FIGURE_CASES = ([("comparison_file", name, bands.COMPARISON_FIGURES) for name in bands.COMPARISON_FIGURES]
                + [("replications_file", name, bands.REPLICATION_FIGURES)
                   for name in bands.REPLICATION_FIGURES]
                + [("sweep_file", name, bands.SWEEP_FIGURES) for name in bands.SWEEP_FIGURES])


@pytest.mark.parametrize("fixture, name, registry", FIGURE_CASES,
                         ids=[f"{f.split('_')[0]}-{n}" for f, n, _ in FIGURE_CASES])
def test_figure(fixture, name, registry, request, tmp_path):
    """Every figure of a multi-run file: drawn, labelled with units, written as a non-empty PNG."""
    fig = registry[name](va.load(request.getfixturevalue(fixture)))
    assert_labelled(fig)
    assert_png(va.save_png(fig, tmp_path / f"{name}.png", dpi=60))


def test_band_lines_follow_the_series(comparison_file):
    """The cumulative-switching figure draws one line per scenario, and the 0.8 shift of
    guarantee-14-days' series shows as a lower line."""
    fig = va.plot_cumulative_switching_bands(comparison_file)
    lines = {line.get_label(): line.get_ydata() for line in fig.get_axes()[0].get_lines()}
    assert set(lines) == {"keski-suomi", "guarantee-14-days", "information-transparent"}
    assert lines["guarantee-14-days"][-1] == pytest.approx(0.8 * lines["keski-suomi"][-1], rel=0.01)
    assert list(lines["information-transparent"]) == list(lines["keski-suomi"])
    assert len(fig.get_axes()[0].collections) == 3  # one band per scenario


def test_forest_plot_marks_clear_and_large_differences(comparison_file):
    """-1.5 days is clear and far above the threshold (1 % of about 8.4 days): a filled dark dot;
    the identical scenario's zero is not clear: a hollow grey dot; the grey band spans
    +-threshold. The direction of a difference is never coloured."""
    fig = va.plot_differences(comparison_file)
    titles = [ax.get_title().split("\n")[0] for ax in fig.get_axes()]
    assert "Mean wait for a visit" in titles
    assert "Residents simulated" not in titles
    wait = fig.get_axes()[titles.index("Mean wait for a visit")]
    dots = {(line.get_color(), line.get_markerfacecolor()) for line in wait.get_lines()
            if line.get_marker() == "o"}
    matters, unclear = bands.DIFFERENCE_STYLES["matters"], bands.DIFFERENCE_STYLES["unclear"]
    assert (matters["color"], matters["markerfacecolor"]) in dots
    assert (unclear["color"], unclear["markerfacecolor"]) in dots
    assert "B \u2212 A [days]" == wait.get_xlabel()
    threshold = va.comparison_table(comparison_file).set_index(
        ["scenario", "indicator"]).loc[("guarantee-14-days", "mean_wait_days"), "threshold"]
    band = [patch for patch in wait.patches if patch.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert band, "no band of differences too small to matter"
    left, right = sorted({x for x, _ in band[0].get_xy()})
    assert (left, right) == pytest.approx((-threshold, threshold))
    assert "\u00b1" in wait.get_title()  # the threshold is stated


def test_comparison_report(comparison_file, tmp_path):
    text = make_report(comparison_file, tmp_path / "comparison.html")
    assert "keski-suomi vs guarantee-14-days vs information-transparent" in text
    assert len(embedded_images(text)) == len(bands.COMPARISON_FIGURES)
    assert text.count("<figcaption>") == len(bands.COMPARISON_FIGURES)
    assert "Summary table" in text and "clear difference?" in text
    assert "large enough to matter?" in text
    # The three known differences are clear and large enough to matter; nothing else is.
    assert text.count('<tr class="matters">') == len(
        [k for k in ("mean_wait_days", "share_within_guarantee", "organiser_cost_per_resident_year")])
    assert "Clear and large enough to matter: guarantee-14-days" in text
    assert "What differs" in text and "rules.care_guarantee_days" in text
    assert_self_contained(text)


def test_comparison_plots_and_summary_commands(comparison_file, tmp_path):
    result = run_cli("plots", comparison_file, "-o", tmp_path / "figures", "--dpi", "50")
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written == sorted(f"{name}.png" for name in bands.COMPARISON_FIGURES)
    assert f"{len(bands.COMPARISON_FIGURES)} figures" in result.stdout
    summary = run_cli("summary", comparison_file).stdout
    assert "B = guarantee-14-days" in summary and "Mean wait for a visit" in summary
    table = run_cli("table", comparison_file, "-o", tmp_path / "table.csv").stdout
    assert "42 rows" in table  # 3 scenarios x 14 indicators


def test_sweep_commands(sweep_file, tmp_path):
    result = run_cli("summary", sweep_file).stdout
    assert "12 runs, 1 failed" in result and "choice.inertia" in result
    run_cli("table", sweep_file, "-o", tmp_path / "sweep.csv")
    header = (tmp_path / "sweep.csv").read_text().splitlines()[0]
    assert header.startswith("run,point,replication,ok,error,choice.inertia,")


def test_replications_report(replications_file, tmp_path):
    """The banded series and the map of the mean over replications, then every other single-run
    figure of replication 0."""
    text = make_report(replications_file, tmp_path / "replications.html")
    assert "(2 replications)" in text
    assert "95 % interval" in text
    expected = len(bands.BAND_FIGURES) + len(plots.FIGURES)
    assert text.count("<figcaption>") == expected
    assert text.count("<h2 id=\"replication-0-") == len(plots.FIGURES) - 1
    assert '<h2 id="zone_map">' in text and "(mean of the replications)" in text
    assert_self_contained(text)


def test_replications_plots_command(replications_file, tmp_path):
    run_cli("plots", replications_file, "-o", tmp_path / "figures", "--dpi", "40")
    written = sorted(p.stem for p in (tmp_path / "figures").iterdir())
    assert written == sorted(list(plots.FIGURES) + list(bands.BAND_FIGURES))
    summary = run_cli("summary", replications_file).stdout
    assert summary.startswith("Means over 2 replications")


def test_sweep_report(sweep_file, tmp_path):
    """A sweep's report: the parameters and their values, the design, runs and the failed one,
    the table of runs and the sensitivity as a table and figures."""
    text = make_report(sweep_file, tmp_path / "sweep.html")
    assert "Valinta sweep:" in text and "(12 runs)" in text
    for name in ("choice.inertia", "rules.care_guarantee_days"):
        assert f"<code>{name}</code>" in text
    assert "0.1 to 0.9" in text  # the values choice.inertia took
    assert "Latin hypercube" in text and "12: 11 finished, 1 failed" in text
    assert "scenario invalid: test failure" in text  # why run 5 failed
    runs = text[text.index('id="runs"'):text.index('id="sensitivity-table"')]
    assert runs.count("<tr>") == 1 + 12  # the heading and one row per run
    assert "no (failed)" in runs
    assert 'id="sensitivity-table"' in text and "Spearman rank correlation" in text
    assert len(embedded_images(text)) == text.count("<figcaption>") == len(bands.SWEEP_FIGURES)
    assert_self_contained(text)
    assert report.build_report(sweep_file).startswith("<!DOCTYPE html>")


def test_sweep_scatter_leaves_out_failed_runs(sweep_file):
    fig = va.plot_sweep_scatter(sweep_file)
    first = fig.get_axes()[0]
    assert first.collections[0].get_offsets().shape[0] == 11
    assert "1 failed" in fig._suptitle.get_text()


def test_sweep_plots_command(sweep_file, tmp_path):
    run_cli("plots", sweep_file, "-o", tmp_path / "figures", "--dpi", "40")
    assert sorted(p.stem for p in (tmp_path / "figures").iterdir()) == sorted(bands.SWEEP_FIGURES)
