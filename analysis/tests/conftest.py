"""Shared fixtures: small results files made by the valinta binary once per test session.

The binary is $VALINTA_BIN (ctest sets it to the one just built), else build/release/valinta in
this repository (what `cmake --workflow --preset release` builds).
"""

import os
import subprocess
from pathlib import Path

import pytest

ANALYSIS_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = ANALYSIS_DIR.parent
SCENARIOS = REPO_DIR / "scenarios"
STEPS = 40
SCALE = 0.05


def valinta_binary() -> Path:
    configured = os.environ.get("VALINTA_BIN")
    if configured:
        path = Path(configured)
        if not path.is_file():
            pytest.fail(f"VALINTA_BIN={configured} does not exist")
        return path
    path = REPO_DIR / "build" / "release" / "valinta"
    if not path.is_file():
        pytest.skip(f"no valinta binary: build it (cmake --workflow --preset release) or set "
                    f"VALINTA_BIN; looked for {path}")
    return path


def run_valinta(output: Path, scenario: str) -> Path:
    command = [str(valinta_binary()), "run", str(SCENARIOS / scenario),
               "--set", f"population.scale={SCALE}", "--set", f"time.steps={STEPS}",
               "-o", str(output), "--overwrite", "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    assert output.is_file()
    return output


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """The default Keski-Suomi scenario, 5 % of the population, 40 weekly steps (no market)."""
    return run_valinta(tmp_path_factory.mktemp("runs") / "small.h5", "keski-suomi.yaml")


@pytest.fixture(scope="session")
def market_run(tmp_path_factory) -> Path:
    """The 2018 bill with an open market, so producers enter during the run."""
    return run_valinta(tmp_path_factory.mktemp("runs") / "market.h5", "bill-2018.yaml")


@pytest.fixture(scope="session")
def small_ds(small_run):
    import valinta_analysis
    return valinta_analysis.load(small_run)


@pytest.fixture(scope="session")
def market_ds(market_run):
    import valinta_analysis
    return valinta_analysis.load(market_run)
