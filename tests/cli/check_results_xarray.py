#!/usr/bin/python3
"""Checks that a Valinta results file opens with xarray + h5netcdf with named dimensions.

Usage: /usr/bin/python3 tests/cli/check_results_xarray.py RESULTS.h5 STEPS PRODUCERS
Exit code 0 if every check passes; otherwise prints what failed and exits 1.
Run by tests/cli/results_file_test.cpp (which skips it when xarray is not installed).
"""
import re
import sys

import xarray as xr


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, steps, producers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        sizes = dict(ds.sizes)
        check(sizes.get("step") == steps, f"dimension step has size {sizes.get('step')}, expected {steps}")
        check(sizes.get("producer") == producers,
              f"dimension producer has size {sizes.get('producer')}, expected {producers}")
        check(sizes.get("sector") == 3, f"dimension sector has size {sizes.get('sector')}, expected 3")
        check(list(ds["step"].values) == list(range(steps)), "step is not 0, 1, ..., steps - 1")
        check(ds["date"].dims == ("step",), f"date has dims {ds['date'].dims}")
        dates = [str(d) for d in ds["date"].values]
        check(all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), f"date is not ISO: {dates[:3]}")
        expected = {"n_listed": ("step", "producer"), "n_listed_by_sector": ("step", "sector"),
                    "payments_eur": ("step", "producer", "payment_kind")}
        for name, dims in expected.items():
            check(name in ds, f"variable {name} is missing")
            if name in ds:
                check(ds[name].dims == dims, f"{name} has dims {ds[name].dims}, expected {dims}")
                check("units" in ds[name].attrs, f"{name} has no units")
        check(list(ds["sector"].values) == ["public", "private", "third_sector"],
              f"sector labels are {list(ds['sector'].values)}")
        with_step = [name for name, var in ds.data_vars.items() if var.dims[:1] == ("step",)]
        check(len(with_step) >= 20, f"only {len(with_step)} variables along step")
        # Selecting by label works only if the coordinates are really attached.
        total = ds["n_listed"].sel(step=int(ds["step"].values[-1])).sum().item()
        check(total > 0, "nobody is listed in the last step")

    for message in failures:
        print(f"{path}: {message}")
    if not failures:
        print(f"{path}: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
