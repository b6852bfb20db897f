"""Reading Valinta results files into xarray and pandas.

A results file is HDF5 with named dimensions (HDF5 dimension scales), so xarray opens it through
h5netcdf. Every root variable whose first dimension is ``step`` is a time series; the others are
dimension labels or static properties of producers and zones. Nothing here lists indicator names
one by one: new indicators in the engine show up without changes.

Every function that reads a file first checks it (see :mod:`valinta_analysis.integrity`): a file
that is not a Valinta results file, or is damaged, raises :class:`ResultsFileError` naming the
file and the problem, promptly, instead of hanging or failing deep inside h5py or xarray.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Union

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .integrity import DAMAGED, ResultsFileError, check_results_file

STEP = "step"
REPLICATION = "replication"
SCENARIO = "scenario"
INDICATOR = "indicator"

#: The kinds of results file (root attribute ``kind``; a file without it is a single run).
KINDS = ("run", "replications", "comparison", "sweep")

PathLike = Union[str, "os.PathLike[str]"]
DataLike = Union[PathLike, xr.Dataset]


class MissingData(KeyError):
    """A variable that a figure or table needs is not in the results file."""


#: What h5py, h5netcdf and xarray raise on a file they cannot make sense of.
READ_ERRORS = (OSError, KeyError, ValueError, RuntimeError, UnicodeError, TypeError)


@contextmanager
def _reading(path: str) -> Iterator[None]:
    """Turns an error while reading ``path`` into a ResultsFileError that names the file."""
    try:
        yield
    except ResultsFileError:
        raise
    except READ_ERRORS as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise ResultsFileError(path, DAMAGED, f"cannot read it: {reason}") from error


@contextmanager
def open_h5(path: PathLike) -> Iterator[h5py.File]:
    """The results file opened with h5py for reading, after :func:`check_results_file`; errors
    while reading it become ResultsFileError."""
    path = os.fspath(path)
    check_results_file(path)
    with _reading(path), h5py.File(path, "r") as f:
        yield f


def load(path: PathLike) -> xr.Dataset:
    """Reads a results file into memory as an xarray Dataset.

    Dimensions are named as in the file (step, producer, sector, zone, ...), every variable keeps
    its ``units`` and ``long_name`` attributes, the file's root attributes (seed, git_commit,
    scenario_name, ...) are in ``ds.attrs``, and ``date`` (the first day of each step, as
    datetime64) is a coordinate along ``step``. Waits stay numbers in their units (days, weeks).
    The file is closed on return.

    Raises :class:`ResultsFileError` (a ValueError) if the file is not a Valinta results file of
    a kind this package reads, or is damaged; OSError if it cannot be opened at all.
    """
    path = os.fspath(path)
    check_results_file(path)
    with _reading(path):
        return _load_checked(path)


def _load_checked(path: str) -> xr.Dataset:
    # decode_timedelta=False: files written before the CF units (waits in "days", not "day")
    # would otherwise have their waits turned into timedelta64; they stay plain numbers of days.
    with xr.open_dataset(path, engine="h5netcdf", decode_timedelta=False) as opened:
        ds = opened.load()
    if "date" in ds.variables and ds["date"].dims == (STEP,):
        attrs = dict(ds["date"].attrs)
        values = ds["date"].values
        try:
            values = pd.to_datetime([str(v) for v in values]).values
        except (ValueError, TypeError):
            pass  # not ISO dates: keep the text
        ds = ds.assign_coords(date=(STEP, values))
        ds["date"].attrs.update(attrs)
    ds = _decode_bytes(ds)
    ds.attrs["kind"] = _text(ds.attrs.get("kind", "run"))
    if ds.attrs["kind"] not in KINDS:
        raise ResultsFileError(path, "unknown kind of results file",
                               f"{ds.attrs['kind']!r}; this package reads {', '.join(KINDS)}")
    ds.encoding["source"] = os.path.abspath(path)
    return ds


def _decode_bytes(ds: xr.Dataset) -> xr.Dataset:
    """Fixed-length byte strings (HDF5 strings that are not variable-length) as text, in
    variables, coordinates and attributes, so labels compare equal to Python strings."""
    for name, var in list(ds.variables.items()):
        if var.dtype.kind == "S":
            text = np.array([_text(v) for v in var.values.ravel()], dtype=object)
            decoded = xr.Variable(var.dims, text.reshape(var.shape), attrs=var.attrs)
            if name in ds.indexes:
                ds = ds.assign_coords({name: decoded})
            else:
                ds[name] = decoded
        for key, value in list(ds[name].attrs.items()):
            if isinstance(value, (bytes, np.bytes_)):
                ds[name].attrs[key] = _text(value)
    for key, value in list(ds.attrs.items()):
        if isinstance(value, (bytes, np.bytes_)):
            ds.attrs[key] = _text(value)
    return ds


def _is_series(var: xr.Variable) -> bool:
    """Whether a variable is an indicator series: ``step`` after any leading scenario,
    replication and run dimensions of a multi-run file."""
    if STEP not in var.dims:
        return False
    return all(d in (SCENARIO, REPLICATION, "run") for d in var.dims[:var.dims.index(STEP)])


def file_kind(data: DataLike) -> str:
    """'run', 'replications', 'comparison' or 'sweep': the root attribute ``kind`` ('run' if the
    file has none, as files written before the attribute existed)."""
    if isinstance(data, xr.Dataset):
        return _text(data.attrs.get("kind", "run"))
    with open_h5(data) as f:
        return _text(f.attrs.get("kind", "run"))


def expect_kind(ds: xr.Dataset, *kinds: str) -> None:
    """Raises ValueError unless ``ds`` is one of ``kinds`` of results file."""
    kind = file_kind(ds)
    if kind not in kinds:
        raise ValueError(f"this needs a {' or '.join(kinds)} file; the file is of kind {kind!r}")


def dataset(data: DataLike) -> xr.Dataset:
    """Returns ``data`` if it is already a Dataset, otherwise loads the file it names."""
    if isinstance(data, xr.Dataset):
        return data
    return load(data)


def source_path(data: DataLike) -> str | None:
    """The results file behind ``data`` (a path or a Dataset from :func:`load`), if known."""
    if isinstance(data, xr.Dataset):
        return data.encoding.get("source")
    return os.fspath(data)


def time_series(ds: xr.Dataset) -> list[str]:
    """Names of the indicator series in file order: the variables whose first dimension is
    ``step``, after any leading run, scenario and replication dimensions of a multi-run file."""
    return [name for name, var in ds.data_vars.items() if _is_series(var.variable)]


def static_variables(ds: xr.Dataset, dim: str) -> list[str]:
    """Names of the variables along ``dim`` alone, e.g. producer_sector, producer_lat for 'producer'."""
    return [name for name, var in ds.data_vars.items() if var.dims == (dim,)]


def units(ds: xr.Dataset, name: str) -> str:
    """The units of a variable as the engine names them ('' if none): ``valinta_units`` where the
    file has it (residents, EUR, visits/week, days: more telling than the CF ``units`` "1" of a
    count or "day"), else ``units``."""
    attrs = ds[name].attrs
    return _text(attrs.get("valinta_units", attrs.get("units", "")))


def long_name(ds: xr.Dataset, name: str) -> str:
    """The ``long_name`` attribute of a variable (the variable's name if it has none)."""
    return _text(ds[name].attrs.get("long_name", name))


def label(ds: xr.Dataset, name: str) -> str:
    """An axis label 'long name [units]' for a variable."""
    u = units(ds, name)
    return f"{long_name(ds, name)} [{u}]" if u else long_name(ds, name)


def variable_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per variable: name, dims, units, long_name, and whether it is a time series."""
    rows = []
    for name, var in ds.variables.items():
        rows.append({"name": name, "dims": ", ".join(var.dims), "units": units(ds, name),
                     "long_name": long_name(ds, name), "time_series": _is_series(var)})
    return pd.DataFrame(rows)


def to_frame(ds: xr.Dataset, name: str, extra: Iterable[str] = ()) -> pd.DataFrame:
    """A variable in long format: one row per cell, columns step, date, the other dims, value.

    ``extra`` names static variables to add as columns, e.g. ``extra=["producer_sector"]`` for an
    indicator along ``producer``.
    """
    var = ds[name]
    frame = var.reset_coords(drop=True).to_dataframe(name="value").reset_index()
    if STEP in var.dims and "date" in ds.coords:
        dates = pd.Series(ds["date"].values, index=ds[STEP].values)
        frame.insert(frame.columns.get_loc(STEP) + 1, "date", frame[STEP].map(dates).values)
    for column in extra:
        static = ds[column]
        if static.ndim != 1 or static.dims[0] not in frame.columns:
            raise ValueError(f"{column} is not a static variable along one of {list(var.dims)}")
        values = pd.Series(static.values, index=ds[static.dims[0]].values)
        frame.insert(len(frame.columns) - 1, column, frame[static.dims[0]].map(values).values)
    frame.attrs = {"name": name, "units": units(ds, name), "long_name": long_name(ds, name)}
    return frame


def to_wide(ds: xr.Dataset, name: str) -> pd.DataFrame:
    """A time series along step and one other dimension as a table: dates down, labels across."""
    var = ds[name]
    if var.dims[:1] != (STEP,) or var.ndim > 2:
        raise ValueError(f"{name} has dims {var.dims}; to_wide needs (step,) or (step, other)")
    index = pd.Index(ds["date"].values if "date" in ds.coords else ds[STEP].values, name="date")
    if var.ndim == 1:
        return pd.DataFrame({name: var.values}, index=index)
    columns = pd.Index(ds[var.dims[1]].values, name=var.dims[1])
    return pd.DataFrame(var.values, index=index, columns=columns)


def summary(data: DataLike) -> dict[str, float]:
    """The headline figures the run printed at the end (group summary/, attributes of ``text``).

    Counts (residents, eligible) are ints, the rest floats; shares are fractions (0.05 is 5 %).
    Empty if the file has no summary.
    """
    path = source_path(data)
    if path is None:
        raise ValueError("the Dataset does not say which file it came from; pass the path")
    figures: dict[str, float] = {}
    with open_h5(path) as f:
        if "summary/text" not in f:
            return figures
        for key, value in f["summary/text"].attrs.items():
            if key in ("long_name", "units"):
                continue
            value = np.asarray(value)
            if value.dtype.kind not in "iuf" or value.size != 1:
                continue
            number = float(value.reshape(()))
            if key in ("residents", "eligible") or value.dtype.kind in "iu":
                figures[key] = int(round(number))
            else:
                figures[key] = number
    return figures


def summary_text(data: DataLike) -> str:
    """The summary exactly as the run printed it ('' if the file has none)."""
    return _group_text(data, "summary/text")


def scenario_text(data: DataLike, resolved: bool = True, scenario: str | None = None) -> str:
    """The scenario as YAML text: with every default written out, or as the file was given.

    In a comparison file name the ``scenario`` (its label); its resolved text is read from
    ``scenario/LABEL/resolved``, or ``scenarios/LABEL/resolved`` where a dimension scale named
    ``scenario`` leaves no room for a group of that name."""
    if scenario is None:
        return _group_text(data, "scenario/resolved" if resolved else "scenario/source")
    leaf = "resolved" if resolved else "source"
    for group in ("scenario", "scenarios"):
        text = _group_text(data, f"{group}/{scenario}/{leaf}")
        if text:
            return text
    return ""


def scenario_value(data: DataLike, key: str) -> str | None:
    """A top-level scalar of a scenario section from the resolved scenario, e.g. 'description' or
    'rules.care_guarantee_days', as text (None if absent). For full access parse
    :func:`scenario_text` with a YAML library."""
    text = scenario_text(data)
    section, _, field = key.rpartition(".")
    lines = text.splitlines()
    if section:
        try:
            start = lines.index(f"{section}:") + 1
        except ValueError:
            return None
        body = []
        for line in lines[start:]:
            if line and not line.startswith(" "):
                break
            body.append(line)
        pattern = re.compile(rf"^\s+{re.escape(field)}:\s*(.*)$")
    else:
        body = lines
        pattern = re.compile(rf"^{re.escape(field)}:\s*(.*)$")
    for line in body:
        match = pattern.match(line)
        if match:
            value = match.group(1).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            return value
    return None


def step_days(ds: xr.Dataset) -> float:
    """Days per step (root attribute step_days; else from the dates; else 7)."""
    if "step_days" in ds.attrs:
        return float(ds.attrs["step_days"])
    if "date" in ds.coords and ds.sizes.get(STEP, 0) > 1 and np.issubdtype(ds["date"].dtype, np.datetime64):
        return float((ds["date"].values[1] - ds["date"].values[0]) / np.timedelta64(1, "D"))
    return 7.0


def years(ds: xr.Dataset) -> float:
    """Length of the run in years of 365.25 days."""
    return ds.sizes[STEP] * step_days(ds) / 365.25


def residents(ds: xr.Dataset) -> int:
    """Residents simulated (the sum of zone_residents)."""
    require(ds, "zone_residents")
    return int(ds["zone_residents"].sum())


def eligible(ds: xr.Dataset) -> int:
    """Residents eligible to choose (the sum of zone_eligible)."""
    require(ds, "zone_eligible")
    return int(ds["zone_eligible"].sum())


def dates(ds: xr.Dataset) -> np.ndarray:
    """The first day of each step (or the step numbers if the file has no dates)."""
    return ds["date"].values if "date" in ds.coords else ds[STEP].values


def require(ds: xr.Dataset, *names: str) -> None:
    """Raises MissingData naming every variable in ``names`` that ``ds`` lacks."""
    missing = [n for n in names if n not in ds.variables]
    if missing:
        raise MissingData(f"the results file has no {', '.join(missing)}")


def _group_text(data: DataLike, name: str) -> str:
    path = source_path(data)
    if path is None:
        raise ValueError("the Dataset does not say which file it came from; pass the path")
    with open_h5(path) as f:
        if name not in f or not isinstance(f[name], h5py.Dataset):
            return ""
        return _text(f[name][()])


def _text(value: Any) -> str:
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value.item())
    return str(value)
