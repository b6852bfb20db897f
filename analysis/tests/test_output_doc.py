"""docs/output-format.md names everything a results file holds (a staleness guard)."""

import re

import h5py

from conftest import REPO_DIR, run_valinta

DOC = REPO_DIR / "docs" / "output-format.md"


def documented_names() -> set[str]:
    """Every `name` in backticks in the document (paths such as summary/text included)."""
    return set(re.findall(r"`([A-Za-z0-9_./<>-]+)`", DOC.read_text(encoding="utf-8")))


def file_contents(path) -> tuple[list[str], list[str], list[str]]:
    """(dataset paths, root attribute names, summary/text attribute names) of an HDF5 file."""
    datasets = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: datasets.append(name)
                     if isinstance(obj, h5py.Dataset) else None)
        summary = list(f["summary/text"].attrs) if "summary/text" in f else []
        return datasets, list(f.attrs), summary


def assert_documented(path):
    names = documented_names()
    datasets, root, summary = file_contents(path)
    assert datasets
    # Per-scenario texts of a comparison are documented once, as scenario(s)/<label>/resolved.
    generic = [re.sub(r"^(scenarios?)/[^/]+/(resolved|source)$", r"\1/<label>/\2", d)
               for d in datasets]
    # The service package's indicators are documented once, by NAME, for both of its subgroups.
    package = [d for d in generic if d.startswith("service_package/")]
    missing = [d for d in package if d.split("/")[-1] not in names
               or "/".join(d.split("/")[:2]) + "/NAME" not in names]
    assert not missing, f"service package datasets of {path.name} not in {DOC.name}: {missing}"
    generic = [d for d in generic if d not in package]
    missing = [d for d in generic if d not in names]
    assert not missing, f"datasets of {path.name} not in {DOC.name}: {missing}"
    missing = [a for a in root if a not in names]
    assert not missing, f"root attributes of {path.name} not in {DOC.name}: {missing}"
    missing = [a for a in summary if a not in names]
    assert not missing, f"summary/text attributes not in {DOC.name}: {missing}"


def test_every_dataset_of_a_fresh_run_is_documented(small_run):
    assert_documented(small_run)


def test_events_are_documented(tmp_path):
    """The JYTE scenario closes a producer, so its file has the event log."""
    path = run_valinta(tmp_path / "jyte.h5", "pilots/jyte.yaml", "--set", "time.steps=125")
    with h5py.File(path, "r") as f:
        assert "event_log" in f
    assert_documented(path)


def test_multi_run_layouts_are_documented(comparison_file, sweep_file):
    for path in (comparison_file, sweep_file):
        assert_documented(path)


def test_guard_can_fail(tmp_path, small_run):
    """A dataset the document does not name is reported."""
    import shutil
    import pytest
    copy = tmp_path / "extra.h5"
    shutil.copy(small_run, copy)
    with h5py.File(copy, "a") as f:
        f["undocumented_series"] = [1, 2, 3]
    with pytest.raises(AssertionError, match="undocumented_series"):
        assert_documented(copy)
