"""Loading replications, comparison and sweep files: kind, named dimensions, units, tables."""

import h5py
import numpy as np
import pytest

import valinta_analysis as va
from conftest import REPLICATIONS, STEPS

import layouts


def test_kind_is_detected(comparison_file, sweep_file, tmp_path):
    assert va.file_kind(comparison_file) == "comparison"
    assert va.file_kind(sweep_file) == "sweep"
    assert va.load(comparison_file).attrs["kind"] == "comparison"
    # A file without the attribute (written before it existed) is a single run.
    plain = tmp_path / "plain.h5"
    with h5py.File(plain, "w") as f:
        f.attrs["engine"] = "valinta"
        layouts.Writer(f).step_and_date(3)
    assert va.file_kind(plain) == "run"
    assert va.load(plain).attrs["kind"] == "run"
    with h5py.File(plain, "a") as f:
        f.attrs["kind"] = "ensemble"
    with pytest.raises(ValueError, match="unknown kind"):
        va.load(plain)


def test_comparison_dimensions_and_units(comparison_file):
    ds = va.load(comparison_file)
    assert list(ds["scenario"].values) == ["keski-suomi", "guarantee-14-days",
                                           "information-transparent"]
    assert list(ds["indicator"].values) == layouts.INDICATORS
    assert ds.sizes["replication"] == REPLICATIONS
    assert ds["summary"].dims == ("scenario", "replication", "indicator")
    assert ds["difference_mean"].dims == ("scenario", "indicator")
    assert ds["n_away_from_home_by_sector"].dims == ("scenario", "replication", "step", "sector")
    assert ds["new_need_flows"].dims == ("scenario", "replication", "step", "need_from", "need_to")
    # Waits stay numbers of days, with their units.
    assert ds["wait_mean_days_all"].dtype == np.float64
    assert va.units(ds, "wait_mean_days_all") == "days"
    assert va.units(ds, "organiser_books_eur") == "EUR"
    assert "n_listed_by_sector" in va.time_series(ds)
    assert "summary" not in va.time_series(ds)
    assert np.issubdtype(ds["date"].dtype, np.datetime64)
    frame = va.to_frame(ds, "n_listed_by_sector")
    assert list(frame.columns) == ["scenario", "replication", "step", "date", "sector", "value"]


def test_sweep_table(sweep_file):
    table = va.sweep_table(sweep_file)
    assert len(table) == 12
    assert list(table.columns[:7]) == ["run", "point", "replication", "ok", "error",
                                       "choice.inertia", "rules.care_guarantee_days"]
    assert list(table.columns[7:]) == layouts.INDICATORS
    assert table["point"].tolist() == [k // 3 for k in range(12)]
    assert table["replication"].tolist() == [k % 3 for k in range(12)]
    assert not table.loc[5, "ok"] and table.loc[5, "error"]
    assert table.loc[5, layouts.INDICATORS].isna().all()
    assert table.drop(index=5)[layouts.INDICATORS].notna().all().all()
    assert table.attrs["design"] == "latin_hypercube"
    assert va.summary_table(sweep_file).equals(table)
    # ever_switched_share falls with choice.inertia exactly; the other indicators are noise.
    sensitivity = va.sensitivity_table(table)
    assert list(sensitivity.index) == ["choice.inertia", "rules.care_guarantee_days"]
    assert list(sensitivity.columns) == layouts.INDICATORS
    assert sensitivity.loc["choice.inertia", "ever_switched_share"] == pytest.approx(-1.0)
    others = sensitivity.loc["choice.inertia"].drop("ever_switched_share")
    assert (others.abs() < 0.999).all()


def test_replications_file(replications_file):
    ds = va.load(replications_file)
    assert ds.attrs["kind"] == "replications"
    assert ds.sizes["replication"] == 2
    assert ds["n_listed"].dims == ("replication", "step", "producer")
    assert ds["producer_sector"].dims == ("producer",)
    assert ds.sizes["step"] == STEPS
    single = va.one_replication(ds, 1)
    assert single["n_listed"].dims == ("step", "producer")
    assert va.file_kind(single) == "run"
    table = va.summary_table(ds)
    assert list(table.columns) == ["indicator", "description", "units", "mean", "ci_low",
                                   "ci_high", "replications"]
    values = ds["summary"].sel(indicator="mean_wait_days").values
    row = table.set_index("indicator").loc["mean_wait_days"]
    assert row["mean"] == pytest.approx(values.mean())
    half = 12.706204736174705 * values.std(ddof=1) / np.sqrt(2)
    assert row["ci_high"] - row["mean"] == pytest.approx(half)
    assert row["units"] == "days"
    # The intervals the file stores (written with tabulated t) agree with the table's.
    stored = ds["summary_ci_low"].values
    assert np.allclose(table["ci_low"].values, stored, equal_nan=True)
    assert va.headline(ds)["mean_wait_days"] == pytest.approx(values.mean())


def test_comparison_scenario_texts(comparison_file):
    assert va.scenario_text(comparison_file, scenario="guarantee-14-days").startswith(
        "name: guarantee-14-days")
    assert va.scenario_text(comparison_file, scenario="no-such-scenario") == ""
    # The dimension scale named scenario is not a text.
    assert va.scenario_text(comparison_file) == ""


def test_fixed_length_labels_are_text(tmp_path):
    """Labels stored as fixed-length byte strings load as text, so tables and selection work."""
    a, b, _ = layouts.known_summaries(3, {"mean_wait_days": 1.0})
    path = layouts.write_comparison(tmp_path / "fixed.h5", {"A": a, "B": b}, fixed_strings=True)
    with h5py.File(path, "r") as f:
        assert f["scenario"].dtype.kind == "S"
    ds = va.load(path)
    assert list(ds["scenario"].values) == ["A", "B"]
    assert list(ds["indicator"].values) == layouts.INDICATORS
    assert ds.attrs["baseline"] == "A"
    table = va.comparison_table(ds)
    row = table[table["scenario"] == "B"].set_index("indicator").loc["mean_wait_days"]
    assert row["difference"] == pytest.approx(1.0)
    assert float(ds["summary"].sel(scenario="B", indicator="residents").mean()) > 0
