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
                + [("replications_file", name, bands.BAND_FIGURES) for name in bands.BAND_FIGURES]
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


def test_forest_plot_highlights_clear_differences(comparison_file):
    fig = va.plot_differences(comparison_file)
    titles = [ax.get_title() for ax in fig.get_axes()]
    assert "Mean wait for a visit" in titles
    assert "Residents simulated" not in titles
    wait = fig.get_axes()[titles.index("Mean wait for a visit")]
    colours = {tuple(round(c, 3) for c in line.get_color()) if not isinstance(line.get_color(), str)
               else line.get_color() for line in wait.get_lines() if line.get_marker() == "o"}
    assert bands.CLEAR_COLOURS["lower"] in colours  # -1.5 days: clearly lower, in blue
    assert bands.CLEAR_COLOURS["unclear"] in colours  # the identical scenario: grey
    assert "B \u2212 A [days]" == wait.get_xlabel()


def test_comparison_report(comparison_file, tmp_path):
    text = make_report(comparison_file, tmp_path / "comparison.html")
    assert "keski-suomi vs guarantee-14-days vs information-transparent" in text
    assert len(embedded_images(text)) == len(bands.COMPARISON_FIGURES)
    assert text.count("<figcaption>") == len(bands.COMPARISON_FIGURES)
    assert "Summary table" in text and "clear difference?" in text
    assert text.count('<tr class="clear">') == len(
        [k for k in ("mean_wait_days", "share_within_guarantee", "organiser_cost_per_resident_year")])
    assert "Clear differences: guarantee-14-days" in text
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
    text = make_report(replications_file, tmp_path / "replications.html")
    assert "(2 replications)" in text
    assert "95 % interval" in text
    expected = len(bands.BAND_FIGURES) + len(plots.FIGURES)
    assert text.count("<figcaption>") == expected
    assert text.count("Replication 0: ") >= len(plots.FIGURES)
    assert_self_contained(text)


def test_replications_plots_command(replications_file, tmp_path):
    run_cli("plots", replications_file, "-o", tmp_path / "figures", "--dpi", "40")
    written = sorted(p.stem for p in (tmp_path / "figures").iterdir())
    assert written == sorted(list(plots.FIGURES) + list(bands.BAND_FIGURES))
    summary = run_cli("summary", replications_file).stdout
    assert summary.startswith("Means over 2 replications")


def test_report_refuses_a_sweep(sweep_file):
    with pytest.raises(ValueError, match="sweep"):
        report.build_report(sweep_file)


def test_sweep_scatter_leaves_out_failed_runs(sweep_file):
    fig = va.plot_sweep_scatter(sweep_file)
    first = fig.get_axes()[0]
    assert first.collections[0].get_offsets().shape[0] == 11
    assert "1 failed" in fig._suptitle.get_text()


def test_sweep_plots_command(sweep_file, tmp_path):
    run_cli("plots", sweep_file, "-o", tmp_path / "figures", "--dpi", "40")
    assert sorted(p.stem for p in (tmp_path / "figures").iterdir()) == sorted(bands.SWEEP_FIGURES)
