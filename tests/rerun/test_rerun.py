"""`valinta rerun RESULTS.h5`: a run reproduced from its results file alone, bit-identical, from
another folder; a replication of a `run --replications` file; refusals (exit code 2, nothing
written) for another engine version or commit, files of many runs and files that are not results.

Run with Debian's pytest: VALINTA_BIN=build/release/valinta /usr/bin/python3 -m pytest tests/rerun
"""

import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from engine_binary import valinta_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SMALL = ["--set", "population.scale=0.05", "--set", "time.steps=40"]
#: Root attributes that say when and how a file was made, not what it holds.
PROVENANCE = {"created", "command_line", "threads", "ranks", "rerun_of", "rerun_of_command_line"}


def valinta() -> str:
    return str(valinta_binary())


def run(*args, cwd=None, expect=0) -> subprocess.CompletedProcess:
    result = subprocess.run([valinta(), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                            timeout=600)
    assert result.returncode == expect, f"{args}: exit {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def _value(obj):
    value = obj[()] if isinstance(obj, h5py.Dataset) else obj
    return value.decode() if isinstance(value, (bytes, np.bytes_)) else value


def differences(a: Path, b: Path) -> list[str]:
    """Every dataset and attribute that differs between two files (provenance of the root aside)."""
    found = []
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        names_a, names_b = [], []
        fa.visit(names_a.append)
        fb.visit(names_b.append)
        if sorted(names_a) != sorted(names_b):
            found.append(f"objects: {sorted(set(names_a) ^ set(names_b))}")
        for name in ["/"] + [n for n in names_a if n in fb]:
            oa, ob = fa[name], fb[name]
            if isinstance(oa, h5py.Dataset):
                x, y = oa[()], ob[()]
                same = (np.array_equal(x, y, equal_nan=True) if getattr(x, "dtype", None) is not None
                        and x.dtype.kind == "f" else np.array_equal(np.asarray(x), np.asarray(y)))
                if not same:
                    found.append(name)
            keys = set(oa.attrs) | set(ob.attrs)
            for key in keys - (PROVENANCE if name == "/" else set()):
                if key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                    continue
                if key not in oa.attrs or key not in ob.attrs or \
                        not np.array_equal(np.asarray(_value(oa.attrs[key])), np.asarray(_value(ob.attrs[key]))):
                    found.append(f"{name} @{key}")
    return found


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rerun")


@pytest.fixture(scope="module")
def plain(folder) -> Path:
    run("run", SCENARIOS / "keski-suomi.yaml", *SMALL, "-o", folder / "plain.h5", "-q")
    return folder / "plain.h5"


def test_a_plain_run_is_reproduced_from_another_folder(plain, folder, tmp_path):
    run("rerun", plain, "-o", folder / "plain-again.h5", "-q", cwd=tmp_path)
    assert differences(plain, folder / "plain-again.h5") == []
    with h5py.File(folder / "plain-again.h5", "r") as f:
        assert _value(f.attrs["rerun_of"]) == str(plain)
        assert "keski-suomi.yaml" in _value(f.attrs["rerun_of_command_line"])


def test_a_run_with_set_and_seed_is_reproduced(folder, tmp_path):
    original = folder / "set.h5"
    run("run", SCENARIOS / "pilots" / "hameenlinna.yaml", *SMALL, "--set", "choice.inertia=1.7",
        "--set", "rules.min_listing_months=3", "--seed", "77", "-o", original, "-q")
    run("rerun", original, "-o", folder / "set-again.h5", "-q", "--threads", "1", cwd=tmp_path)
    assert differences(original, folder / "set-again.h5") == []
    # The check can fail: a run without the overrides differs.
    run("run", SCENARIOS / "pilots" / "hameenlinna.yaml", *SMALL, "--seed", "77", "-o", folder / "plain-hameenlinna.h5", "-q")
    assert differences(original, folder / "plain-hameenlinna.h5") != []


def test_a_replication_of_a_replications_file_is_reproduced(folder, tmp_path):
    replications = folder / "replications.h5"
    run("run", SCENARIOS / "keski-suomi.yaml", *SMALL, "--replications", "3", "-o", replications, "-q")
    one = folder / "replication-1.h5"
    run("rerun", replications, "--replication", "1", "-o", one, "-q", cwd=tmp_path)
    compared = differ_from_first = 0
    with h5py.File(replications, "r") as reps, h5py.File(one, "r") as single:
        assert int(single.attrs["replication"]) == 1
        for name, ds in single.items():
            if not isinstance(ds, h5py.Dataset) or name not in reps:
                continue
            dims = [d.label or (d[0].name if len(d) else "") for d in reps[name].dims]
            if not dims or "replication" not in dims[0]:
                continue
            assert np.array_equal(reps[name][1], ds[()], equal_nan=True), name
            compared += 1
            differ_from_first += not np.array_equal(reps[name][0], ds[()], equal_nan=True)
    assert compared >= 20
    assert differ_from_first > 0  # replication 0 is another: the comparison can fail
    # Which replication must be said, and must be in the file.
    result = run("rerun", replications, "-o", folder / "none.h5", expect=2)
    assert "--replication" in result.stderr and "0 to 2" in result.stderr
    result = run("rerun", replications, "--replication", "3", "-o", folder / "none.h5", expect=2)
    assert "0 to 2" in result.stderr
    assert not (folder / "none.h5").exists()


def test_another_engine_is_refused_unless_allowed(plain, folder):
    other = folder / "other-engine.h5"
    shutil.copy(plain, other)
    with h5py.File(other, "a") as f:
        f.attrs["git_commit"] = np.bytes_("0123456789ab")
    result = run("rerun", other, "-o", folder / "refused.h5", expect=2)
    assert "0123456789ab" in result.stderr and "--allow-other-engine" in result.stderr
    assert not (folder / "refused.h5").exists()
    run("rerun", other, "--allow-other-engine", "-o", folder / "allowed.h5", "-q")
    assert differences(plain, folder / "allowed.h5") == []


def test_files_of_many_runs_and_other_files_are_refused(folder):
    comparison = folder / "comparison.h5"
    run("compare", SCENARIOS / "keski-suomi.yaml", SCENARIOS / "opt-out.yaml", "--replications", "2", *SMALL,
        "-o", comparison, "-q")
    result = run("rerun", comparison, "-o", folder / "x.h5", expect=2)
    assert "comparison" in result.stderr and "command_line" in result.stderr
    text = folder / "not-results.h5"
    text.write_text("step,value\n0,1\n")
    assert "not an HDF5 file" in run("rerun", text, "-o", folder / "x.h5", expect=2).stderr
    assert "no such results file" in run("rerun", folder / "missing.h5", "-o", folder / "x.h5", expect=2).stderr
    foreign = folder / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["step"] = [1, 2, 3]
    assert "not a Valinta results file" in run("rerun", foreign, "-o", folder / "x.h5", expect=2).stderr
    assert not (folder / "x.h5").exists()


def test_an_existing_output_is_kept_without_overwrite(plain, folder):
    target = folder / "kept.h5"
    target.write_bytes(b"mine")
    result = run("rerun", plain, "-o", target, expect=2)
    assert "--overwrite" in result.stderr
    assert target.read_bytes() == b"mine"
