"""The results files as CF-1.10 readers see them: netCDF-C's ncdump (with dates from ``-t``),
xarray's default decoding (dates for ``time``, waits as numbers of days, never timedelta64),
python-netCDF4's num2date, and every ``units`` attribute parsed by UDUNITS (udunits2)."""

import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import SCALE, SCENARIOS, STEPS, valinta_binary

#: Files the engine writes: a run, `run --replications`, `compare` and `sweep`.
SERIES_FILES = ["small_run", "engine_replications", "engine_comparison"]


def _engine(tmp_path_factory, name: str, *args: str):
    path = tmp_path_factory.mktemp("cf") / f"{name}.h5"
    subprocess.run([str(valinta_binary()), *args, "--set", f"population.scale={SCALE}",
                    "--set", f"time.steps={STEPS}", "-o", str(path), "-q"],
                   check=True, capture_output=True, timeout=600)
    return path


@pytest.fixture(scope="module")
def engine_replications(tmp_path_factory):
    return _engine(tmp_path_factory, "replications", "run", str(SCENARIOS / "keski-suomi.yaml"),
                   "--replications", "2")


@pytest.fixture(scope="module")
def engine_comparison(tmp_path_factory):
    return _engine(tmp_path_factory, "comparison", "compare", str(SCENARIOS / "keski-suomi.yaml"),
                   str(SCENARIOS / "guarantee-14-days.yaml"), "--replications", "2")


@pytest.fixture(scope="module")
def engine_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cf-sweep")
    sweep = folder / "sweep.yaml"
    sweep.write_text(f"scenario: {SCENARIOS / 'keski-suomi.yaml'}\n"
                     "design: grid\nreplications: 1\n"
                     "parameters:\n  choice.inertia: {values: [1.0, 2.0]}\n")
    return _engine(tmp_path_factory, "sweep", "sweep", str(sweep))


def _text(value) -> str:
    return value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)


def _units(path) -> dict[str, str]:
    """Every `units` attribute in the file: dataset path -> units."""
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and "units" in obj.attrs:
                found[name] = _text(obj.attrs["units"])
        f.visititems(visit)
    return found


def test_root_attributes_name_the_conventions(small_run):
    with h5py.File(small_run, "r") as f:
        assert _text(f.attrs["Conventions"]) == "CF-1.10"
        assert _text(f.attrs["valinta_format"]).startswith("Valinta-1")
        time = f["time"]
        assert _text(time.attrs["units"]) == f"days since {_text(f.attrs['start_date'])} 00:00:00"
        assert _text(time.attrs["calendar"]) == "standard"
        assert _text(time.attrs["standard_name"]) == "time"
        assert _text(f["zone_lat"].attrs["standard_name"]) == "latitude"
        assert _text(f["producer_lon"].attrs["standard_name"]) == "longitude"
        assert _text(f["n_listed"].attrs["coordinates"]) == "time"
        assert _text(f["n_listed"].attrs["valinta_units"]) == "residents"


@pytest.mark.parametrize("fixture", SERIES_FILES)
def test_xarray_default_decoding_gives_dates_and_numbers(fixture, request):
    path = request.getfixturevalue(fixture)
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert "time" in ds.coords and ds["time"].dims == ("step",)
        assert np.issubdtype(ds["time"].dtype, np.datetime64)
        start = pd.Timestamp(_text(ds.attrs["start_date"]))
        assert pd.Timestamp(ds["time"].values[0]) == start
        step_days = int(ds.attrs["step_days"])
        assert pd.Timestamp(ds["time"].values[-1]) == start + pd.Timedelta(days=step_days * (ds.sizes["step"] - 1))
        timedeltas = [name for name, var in ds.variables.items() if np.issubdtype(var.dtype, np.timedelta64)]
        assert timedeltas == []
        waits = [name for name in ds.data_vars if "wait" in name and "days" in name]
        assert waits and all(ds[name].dtype == np.float64 for name in waits)


def test_ncdump_reads_the_file_and_prints_dates(small_run):
    if shutil.which("ncdump") is None:
        pytest.skip("ncdump (Debian: netcdf-bin) is not installed")
    header = subprocess.run(["ncdump", "-h", str(small_run)], capture_output=True, text=True, check=True)
    assert ":Conventions = \"CF-1.10\"" in header.stdout
    assert "time:units = \"days since" in header.stdout
    dated = subprocess.run(["ncdump", "-t", "-v", "time", str(small_run)], capture_output=True, text=True,
                           check=True)
    with h5py.File(small_run, "r") as f:
        start = _text(f.attrs["start_date"])
    assert f'time = "{start}"' in dated.stdout.replace("\n", " ")


def test_netcdf4_decodes_the_time_coordinate(small_run):
    netCDF4 = pytest.importorskip("netCDF4")
    with netCDF4.Dataset(small_run) as nc:
        t = nc["time"]
        dates = netCDF4.num2date(t[:], t.units, t.calendar)
        assert len(dates) == STEPS
        assert dates[0].strftime("%Y-%m-%d") == nc.start_date
        assert nc["wait_p90_days"].units == "day"


@pytest.mark.parametrize("fixture", SERIES_FILES + ["engine_sweep"])
def test_every_units_attribute_is_a_udunits_unit(fixture, request):
    if shutil.which("udunits2") is None:
        pytest.skip("udunits2 (Debian: udunits-bin) is not installed")
    path = request.getfixturevalue(fixture)
    units = _units(path)
    assert len(units) > 10
    refused = {}
    for unit in sorted(set(units.values())):
        result = subprocess.run(["udunits2", "-H", unit, "-W", ""], capture_output=True, text=True)
        if result.returncode != 0 or "Don't recognize" in result.stderr + result.stdout:
            refused[unit] = [name for name, u in units.items() if u == unit][:3]
    assert refused == {}
