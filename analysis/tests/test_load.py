"""Loading a results file: named dimensions, units, dates, attributes, tables, summary."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import valinta_analysis as va

from conftest import STEPS


def test_load_names_dimensions(small_ds):
    for dim in ("step", "producer", "sector", "zone", "switch_reason", "age_band",
                "income_decile", "need_from", "need_to", "payment_kind"):
        assert dim in small_ds.dims, dim
    assert small_ds.sizes["step"] == STEPS
    assert list(small_ds["sector"].values) == ["public", "private", "third_sector"]
    assert small_ds["n_listed"].dims == ("step", "producer")
    assert small_ds["payments_eur"].dims == ("step", "producer", "payment_kind")
    assert small_ds["new_need_flows"].dims == ("step", "need_from", "need_to")


def test_date_is_a_coordinate_on_step(small_ds):
    assert "date" in small_ds.coords
    assert small_ds["date"].dims == ("step",)
    assert np.issubdtype(small_ds["date"].dtype, np.datetime64)
    assert small_ds["date"].attrs["long_name"]
    step = np.diff(small_ds["date"].values) / np.timedelta64(1, "D")
    assert (step == small_ds.attrs["step_days"]).all()


def test_attributes_kept(small_ds, small_run):
    for key in ("engine_version", "git_commit", "seed", "scenario_name", "command_line", "created"):
        assert key in small_ds.attrs, key
    assert small_ds.attrs["scenario_name"] == "keski-suomi"
    assert small_ds.encoding["source"] == str(small_run)


def test_time_series_have_units_and_long_names(small_ds):
    names = va.time_series(small_ds)
    assert len(names) >= 20
    for expected in ("n_listed", "n_listed_by_sector", "new_switches_by_reason", "wait_p90_days",
                     "new_need_flows", "organiser_books_eur", "new_producer_event"):
        assert expected in names
    for name in names:
        assert small_ds[name].dims[0] == "step"
        assert va.units(small_ds, name), f"{name} has no units"
        assert va.long_name(small_ds, name) != name, f"{name} has no long_name"
    assert va.label(small_ds, "n_listed") == "residents listed at the producer [residents]"


def test_waits_stay_numbers_of_days(small_ds):
    # xarray would decode units "days" into timedelta64 unless told not to.
    assert small_ds["wait_p50_days"].dtype == np.float64
    assert va.units(small_ds, "wait_p50_days") == "days"


def test_to_frame_is_long_format(small_ds):
    frame = va.to_frame(small_ds, "n_listed_by_sector")
    assert list(frame.columns) == ["step", "date", "sector", "value"]
    assert len(frame) == STEPS * 3
    assert frame["value"].sum() == int(small_ds["n_listed_by_sector"].sum())
    assert frame.attrs["units"] == "residents"
    first = frame[(frame["step"] == 0) & (frame["sector"] == "public")]
    assert first["date"].iloc[0] == pd.Timestamp(small_ds.attrs["start_date"])

    by_producer = va.to_frame(small_ds, "n_listed", extra=["producer_sector", "producer_zone"])
    assert list(by_producer.columns) == ["step", "date", "producer", "producer_sector",
                                         "producer_zone", "value"]
    totals = by_producer.groupby(["step", "producer_sector"])["value"].sum()
    listed = small_ds["n_listed_by_sector"]
    assert totals.loc[(STEPS - 1, "private")] == int(listed.isel(step=-1).sel(sector="private"))

    zones = va.to_frame(small_ds, "n_away_from_home_by_zone")
    assert list(zones.columns) == ["step", "date", "zone", "sector", "value"]


def test_to_wide(small_ds):
    table = va.to_wide(small_ds, "n_listed_by_sector")
    assert table.shape == (STEPS, 3)
    assert list(table.columns) == ["public", "private", "third_sector"]
    with pytest.raises(ValueError):
        va.to_wide(small_ds, "payments_eur")


def test_summary(small_run, small_ds):
    figures = va.summary(small_run)
    for key in ("residents", "eligible", "ever_switched_share", "mean_wait_days",
                "share_within_guarantee", "organiser_cost_per_resident_year"):
        assert key in figures, key
    assert figures["residents"] == va.residents(small_ds)
    assert figures["eligible"] == va.eligible(small_ds)
    assert 0 <= figures["ever_switched_share"] <= 1
    assert va.summary(small_ds) == figures
    # The organiser's cost from the books matches the run's own summary.
    books = small_ds["organiser_books_eur"].sum("step")
    cost = float(books.sum() - books.sel(payment_kind="client_fee"))
    per_year = cost / (va.residents(small_ds) * va.years(small_ds))
    assert per_year == pytest.approx(figures["organiser_cost_per_resident_year"], rel=1e-9)


def test_scenario_text(small_run):
    assert "care_guarantee_days" in va.scenario_text(small_run)
    assert va.scenario_value(small_run, "rules.care_guarantee_days") == "90"
    assert va.scenario_value(small_run, "name") == "keski-suomi"
    assert va.scenario_value(small_run, "rules.no_such_rule") is None
    assert "residents" in va.summary_text(small_run)


def test_plain_xarray_open_dataset(small_run):
    """The file opens with xarray alone, with named dimensions and indicators as variables."""
    with xr.open_dataset(small_run, engine="h5netcdf") as ds:
        assert ds.sizes["step"] == STEPS
        assert {"step", "producer", "sector", "zone", "payment_kind"} <= set(ds.dims)
        assert "producer" in ds.coords and "sector" in ds.coords
        for name in ("n_listed", "n_listed_by_sector", "wait_p90_days_by_sector",
                     "new_switches_by_age_band", "organiser_books_eur", "n_heavy"):
            assert name in ds.data_vars, name
            assert ds[name].dims[0] == "step"
            # xarray moves time-like units ("days") from attrs to encoding when it decodes them.
            assert "units" in ds[name].attrs or "units" in ds[name].encoding, name
        assert ds["n_listed_by_sector"].sel(sector="public", step=0).item() > 0
