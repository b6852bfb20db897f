"""The engine's own replications, comparison and sweep files, made by the real CLI.

`valinta run --replications R` and `valinta compare` are being added to the engine; until the
binary has them these tests are skipped (with the reason), and they run as soon as it does.
"""

import subprocess

import numpy as np
import pytest

import valinta_analysis as va
from conftest import (SCALE, SCENARIOS, STEPS, require_compare, supports, supports_replications,
                      valinta_binary)

from test_report import assert_self_contained, make_report


def short_run_options(subcommand: str) -> list[str]:
    """--set options for a small, short run, if the subcommand takes --set."""
    help_text = subprocess.run([str(valinta_binary()), subcommand, "--help"], capture_output=True,
                               text=True, timeout=60).stdout
    if "--set" not in help_text:
        return []
    return ["--set", f"population.scale={SCALE}", "--set", f"time.steps={STEPS}"]


def run_engine(*arguments: str) -> None:
    command = [str(valinta_binary()), *arguments]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def engine_comparison(tmp_path_factory):
    require_compare()
    output = tmp_path_factory.mktemp("engine") / "cmp.h5"
    run_engine("compare", str(SCENARIOS / "keski-suomi.yaml"),
               str(SCENARIOS / "information-transparent.yaml"),
               str(SCENARIOS / "guarantee-14-days.yaml"), "--replications", "3",
               *short_run_options("compare"), "-o", str(output), "--overwrite")
    return output


@pytest.fixture(scope="module")
def engine_sweep(tmp_path_factory):
    if not supports("sweep"):
        pytest.skip(f"{valinta_binary()} has no `sweep` subcommand yet")
    output = tmp_path_factory.mktemp("engine") / "sweep.h5"
    run_engine("sweep", str(SCENARIOS / "sweeps" / "choice-sensitivity.yaml"),
               *short_run_options("sweep"), "-o", str(output), "--overwrite", "-q")
    return output


@pytest.fixture(scope="module")
def engine_replications(tmp_path_factory):
    if not supports_replications():
        pytest.skip(f"{valinta_binary()} has no `run --replications` yet; this test runs once the "
                    "engine's replications are merged")
    output = tmp_path_factory.mktemp("engine") / "reps.h5"
    run_engine("run", str(SCENARIOS / "keski-suomi.yaml"), "--replications", "2",
               *short_run_options("run"), "-o", str(output), "--overwrite", "-q")
    return output


def test_engine_comparison_loads(engine_comparison):
    ds = va.load(engine_comparison)
    assert ds.attrs["kind"] == "comparison"
    assert ds.sizes["scenario"] == 3 and ds.sizes["replication"] == 3
    assert ds["summary"].dims == ("scenario", "replication", "indicator")
    assert str(ds.attrs["baseline"]) == str(ds["scenario"].values[0])
    for name in ("n_listed_by_sector", "n_away_from_home_by_sector", "wait_mean_days_all"):
        assert ds[name].dims[:3] == ("scenario", "replication", "step"), name
        assert va.units(ds, name), name


def test_engine_differences_match_the_table(engine_comparison):
    table = va.comparison_table(engine_comparison)
    stored = va.stored_comparison(engine_comparison)
    assert np.allclose(stored["difference_mean"], table["difference"], rtol=1e-9, atol=1e-12)
    assert np.allclose(stored["difference_ci_low"], table["ci_low"], rtol=1e-9, atol=1e-12,
                       equal_nan=True)
    assert (stored["difference_clear"].values == table["clear"].values).all()


def test_engine_identical_rules_give_no_difference(engine_comparison):
    """information-transparent sets what the default already has: identical runs."""
    table = va.comparison_table(engine_comparison)
    same = table[table["scenario"] == table["scenario"].unique()[1]]
    assert (same["difference"] == 0).all()
    assert not same["clear"].any()


def test_engine_comparison_report(engine_comparison, tmp_path):
    text = make_report(engine_comparison, tmp_path / "cmp.html")
    assert "Summary table" in text and text.count("<figcaption>") >= 2
    assert_self_contained(text)
    # What differs: guarantee-14-days shortens the care guarantee from 90 days to 14, and
    # information-transparent sets only what the default already has.
    differs = text[text.index('id="what-differs"'):text.index('id="summary-table"')]
    assert "<code>rules.care_guarantee_days</code></td><td>90</td><td>14</td>" in differs
    transparent = differs[differs.index("<h3>B = information-transparent</h3>"):
                          differs.index("<h3>B = guarantee-14-days</h3>")]
    assert "The same rules as the baseline" in transparent
    assert 'id="zone_differences"' in text


def test_engine_comparison_map(engine_comparison):
    """The engine's comparison holds the series by zone with their municipality codes: every one
    of the 309 municipalities is drawn, and information-transparent differs nowhere."""
    fig = va.bands.plot_zone_differences(engine_comparison)
    drawn = [c for ax in fig.get_axes() for c in ax.collections if c.get_gid() == "municipalities"]
    assert len(drawn) == 2 and all(len(c.get_paths()) == 309 for c in drawn)
    same = va.bands.zone_away_differences(engine_comparison).sel(
        scenario="information-transparent").values
    assert np.all((same == 0) | np.isnan(same))


def test_engine_sweep_report(engine_sweep, tmp_path):
    text = make_report(engine_sweep, tmp_path / "sweep.html")
    assert_self_contained(text)
    ds = va.load(engine_sweep)
    runs = ds.sizes["run"]
    assert f"({runs} runs)" in text and "Latin hypercube" in text
    parameters = text[text.index('id="parameters"'):text.index('id="design"')]
    assert "<code>choice.awareness_per_year</code></td><td>0.4 to 1.2</td>" in parameters
    assert "<code>choice.inertia</code></td><td>1.0 to 3.0</td>" in parameters
    assert 'id="sensitivity-table"' in text and 'id="runs"' in text
    assert text.count("<figcaption>") == len(va.SWEEP_FIGURES)


def test_engine_replications(engine_replications, tmp_path):
    ds = va.load(engine_replications)
    assert ds.attrs["kind"] == "replications"
    assert ds.sizes["replication"] == 2
    assert ds["n_listed"].dims == ("replication", "step", "producer")
    table = va.summary_table(ds)
    assert np.allclose(table["mean"], ds["summary_mean"].values, rtol=1e-9)
    assert np.allclose(table["ci_low"], ds["summary_ci_low"].values, rtol=1e-9, equal_nan=True)
    assert "(2 replications)" in make_report(engine_replications, tmp_path / "reps.html")
