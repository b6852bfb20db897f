"""Shared fixtures: small results files made by the valinta binary once per test session.

The binary is $VALINTA_BIN (ctest sets it to the one just built), else build/release/valinta in
this repository (what `cmake --workflow --preset release` builds).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "support"))
from engine_binary import valinta_binary  # noqa: E402,F401 (the tests import it from here)

ANALYSIS_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = ANALYSIS_DIR.parent
SCENARIOS = REPO_DIR / "scenarios"
STEPS = 40
SCALE = 0.05


def run_valinta(output: Path, scenario: str, *extra: str) -> Path:
    command = [str(valinta_binary()), "run", str(SCENARIOS / scenario),
               "--set", f"population.scale={SCALE}", "--set", f"time.steps={STEPS}",
               "-o", str(output), "--overwrite", "-q", *extra]
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


# --- multi-run files (see layouts.py) -------------------------------------------------------------

#: The known differences written into the comparison fixture: scenario -> indicator -> B - A.
KNOWN_DELTA = {"guarantee-14-days": {"mean_wait_days": -1.5, "share_within_guarantee": 0.03,
                                     "organiser_cost_per_resident_year": 25.0}}
REPLICATIONS = 5


@pytest.fixture(scope="session")
def comparison_file(tmp_path_factory) -> Path:
    """A synthetic comparison of three scenarios over five replications: guarantee-14-days differs
    from the baseline keski-suomi by KNOWN_DELTA (exactly, on average over replications), and
    information-transparent is identical to the baseline in every replication."""
    import layouts
    a, b, _ = layouts.known_summaries(REPLICATIONS, KNOWN_DELTA["guarantee-14-days"])
    path = tmp_path_factory.mktemp("multi") / "comparison.h5"
    layouts.write_comparison(path, {"keski-suomi": a, "guarantee-14-days": b,
                                    "information-transparent": a.copy()},
                             series_shift={"guarantee-14-days": 0.8},
                             resolved={label: RESOLVED.format(name=label, **rules)
                                       for label, rules in RESOLVED_RULES.items()})
    return path


#: The resolved scenarios written into the comparison fixture: guarantee-14-days shortens the care
#: guarantee and the service promise; information-transparent sets what the baseline has.
RESOLVED = """name: {name}
description: {description}
rules:
  care_guarantee_days: {guarantee}
  service_promise_days: {promise}
  information: transparent
  default_assignment: opt_in
"""
RESOLVED_RULES = {
    "keski-suomi": {"description": "Pilot rules", "guarantee": 90, "promise": 90},
    "guarantee-14-days": {"description": "Care guarantee 14 days", "guarantee": 14, "promise": 14},
    "information-transparent": {"description": "Information published", "guarantee": 90,
                                "promise": 90},
}


@pytest.fixture(scope="session")
def sweep_file(tmp_path_factory) -> Path:
    """A synthetic sweep of two parameters over 12 runs (4 points x 3 replications); run 5 failed.
    The first indicator column rises with choice.inertia, the others do not depend on it."""
    import layouts
    import numpy as np
    runs = 12
    inertia = np.repeat(np.linspace(0.1, 0.9, 4), 3)
    guarantee = np.repeat([90.0, 14.0, 30.0, 60.0], 3)
    rng = np.random.default_rng(5)
    results = rng.normal(1.0, 0.1, size=(runs, len(layouts.INDICATORS)))
    results[:, layouts.INDICATORS.index("ever_switched_share")] = 0.2 - 0.15 * inertia
    ok = np.ones(runs, dtype=int)
    ok[5] = 0
    path = tmp_path_factory.mktemp("multi") / "sweep.h5"
    layouts.write_sweep(path, {"choice.inertia": inertia, "rules.care_guarantee_days": guarantee},
                        results, ok=ok, replications=3)
    return path


@pytest.fixture(scope="session")
def replications_file(tmp_path_factory) -> Path:
    """A replications file of the default scenario stacked from two small runs (seeds 1 and 2)."""
    import layouts
    folder = tmp_path_factory.mktemp("replications")
    runs = [run_valinta(folder / f"seed{seed}.h5", "keski-suomi.yaml", "--seed", str(seed))
            for seed in (1, 2)]
    return Path(layouts.write_replications(folder / "replications.h5", runs))


def supports(subcommand: str) -> bool:
    """Whether the valinta binary has a subcommand: `valinta SUBCOMMAND --help` exits with 0 and
    prints that subcommand's usage (CLI11 answers an unknown word followed by --help with the
    main usage and exit code 0, so the code alone does not tell)."""
    result = subprocess.run([str(valinta_binary()), subcommand, "--help"], capture_output=True,
                            text=True, timeout=60)
    return result.returncode == 0 and re.search(rf"Usage: \S+ {subcommand}\b", result.stdout) is not None


def supports_replications() -> bool:
    """Whether `valinta run` has the --replications option."""
    result = subprocess.run([str(valinta_binary()), "run", "--help"], capture_output=True,
                            text=True, timeout=60)
    return result.returncode == 0 and "--replications" in result.stdout


def require_compare() -> None:
    """Skips the calling test unless the binary has `valinta compare`."""
    if not supports("compare"):
        pytest.skip(f"{valinta_binary()} has no `compare` subcommand yet (`valinta compare --help` "
                    "does not print its usage); this test runs once the engine's compare command "
                    "is merged")
