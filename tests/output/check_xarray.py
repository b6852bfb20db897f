#!/usr/bin/python3
"""Open a Valinta results file with xarray + h5netcdf and print it (a manual layout check).

Usage: /usr/bin/python3 tests/output/check_xarray.py results.h5 [group ...]
Prints the root dataset, then each named group (e.g. by_producer) opened on its own.
"""
import sys

import xarray as xr


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    for group in [None, *sys.argv[2:]]:
        print(f"=== {path} group={group or '/'}")
        with xr.open_dataset(path, engine="h5netcdf", group=group) as ds:
            print(ds)
            for name, var in ds.variables.items():
                print(f"  {name}: dims={var.dims} dtype={var.dtype} values={var.values.ravel()[:4]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
