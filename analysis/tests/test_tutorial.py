"""docs/tutorial.md runs as written.

Its ```sh blocks (with `bash -e`) and ```python blocks are run in order, in a temporary folder in
which build/release/valinta, scenarios/ and analysis/ are links to this repository's (build/ to the
binary in $VALINTA_BIN if set), so the commands run exactly as typed from the repository root and
write only into the temporary folder. Python blocks run with /usr/bin/python3 and
PYTHONPATH=analysis, as the tutorial says to start Python. Nothing else is set.

The part up to the first use of replications or `valinta compare` always runs; the whole tutorial
runs once the binary has `valinta compare` and `valinta run --replications`.
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import REPO_DIR, require_compare, supports_replications, valinta_binary

TUTORIAL = REPO_DIR / "docs" / "tutorial.md"
MULTI_RUN = ("--replications", "valinta compare", "cmp.h5", "reps.h5")


def blocks() -> list[tuple[str, str]]:
    """(language, code) of every ```sh and ```python block, in order."""
    text = TUTORIAL.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(sh|python)\n(.*?)^```", text,
                                                           re.S | re.M)]


def needs_multi_run(code: str) -> bool:
    return any(word in code for word in MULTI_RUN)


def workspace(tmp_path):
    """A folder that looks like the repository root: build/release/valinta, scenarios, analysis."""
    (tmp_path / "build" / "release").mkdir(parents=True)
    os.symlink(valinta_binary().resolve(), tmp_path / "build" / "release" / "valinta")
    os.symlink(REPO_DIR / "scenarios", tmp_path / "scenarios")
    os.symlink(REPO_DIR / "analysis", tmp_path / "analysis")
    return tmp_path


def run_block(language: str, code: str, cwd) -> None:
    if language == "sh":
        command = ["bash", "-e", "-c", code]
        env = dict(os.environ)
    else:
        command = [sys.executable, "-c", code]
        env = dict(os.environ, PYTHONPATH="analysis", MPLBACKEND="Agg")
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (f"tutorial block failed ({language}):\n{code}\n--- stdout\n"
                                    f"{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}")


def test_tutorial_has_runnable_blocks():
    found = blocks()
    languages = [language for language, _ in found]
    assert languages.count("sh") >= 8 and languages.count("python") >= 2
    assert any("valinta compare" in code for _, code in found)
    assert any("extends:" in code for _, code in found)
    assert any("--set" in code for _, code in found)
    # The single-run part (up to the first block that needs replications) comes first.
    first_multi = next(i for i, (_, code) in enumerate(found) if needs_multi_run(code))
    assert first_multi >= 6


def test_tutorial_single_run_part(tmp_path):
    """Every block before the first that needs replications or a comparison."""
    folder = workspace(tmp_path)
    ran = 0
    for language, code in blocks():
        if needs_multi_run(code):
            break
        run_block(language, code, folder)
        ran += 1
    assert ran >= 6
    assert (folder / "results" / "default-report.html").stat().st_size > 100_000
    assert (folder / "results" / "lockin-12.h5").is_file()
    assert (folder / "results" / "guarantee-14.h5").is_file()


def test_whole_tutorial(tmp_path):
    require_compare()
    if not supports_replications():
        pytest.skip(f"{valinta_binary()} has no `run --replications` yet")
    folder = workspace(tmp_path)
    for language, code in blocks():
        run_block(language, code, folder)
    for name in ("cmp-report.html", "default-reps-report.html", "cmp-differences.png"):
        assert (folder / "results" / name).stat().st_size > 10_000, name
