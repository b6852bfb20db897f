"""The service package (docs/ODD.md section 9.6) as the engine writes it, recomputed here from the
recorded series of real runs by an independent route: the regions from the municipalities file
(its hyvinvointialue column), the indicators from their definitions, in numpy."""

import csv
import subprocess

import h5py
import numpy as np
import pytest

import valinta_analysis as va
from conftest import REPO_DIR, SCENARIOS, run_valinta, valinta_binary

from test_report import assert_self_contained, make_report

DAYS_PER_YEAR = 365.25


@pytest.fixture(scope="module")
def national_run(tmp_path_factory):
    """The national benchmark (all 309 municipalities, 23 regions), 5 % of the population."""
    return run_valinta(tmp_path_factory.mktemp("package") / "finland.h5",
                       "../benchmarks/finland.yaml", "--set", "time.steps=60")


def counties() -> dict[str, str]:
    """Municipality code -> wellbeing services county, read from the data file itself."""
    with open(SCENARIOS / "data" / "municipalities_all_2020.csv", encoding="utf-8") as f:
        return {row["code"]: row["hyvinvointialue"] for row in csv.DictReader(f)}


def recompute(f: h5py.File, members: np.ndarray) -> dict[str, float]:
    """Every package indicator for the producers marked in ``members``, from the series."""
    def total(name, weight=None):
        values = f[name][()][:, members].astype(float)
        if weight is not None:
            values = np.where(weight > 0, values * weight, 0.0)
        return np.nansum(values)

    steps = f["n_listed"].shape[0]
    step_years = float(f["time"][1] - f["time"][0]) / DAYS_PER_YEAR
    visits_by_step = (f["new_visits_doctor"][()] + f["new_visits_nurse"][()])[:, members]
    ry = total("n_listed") * step_years
    visits = visits_by_step.sum()
    doctor = total("new_visits_doctor")
    diverted = total("new_er_diversions")
    heavy = total("n_heavy_listed")

    def ratio(a, b):
        return a / b if b > 0 else np.nan

    # (satisfaction, a state at the end of the run, is checked apart)
    return {
        "residents_listed": ratio(ry, steps * step_years),
        "cost_per_resident_eur": ratio(total("cost_eur"), ry),
        "cost_per_visit_eur": ratio(total("cost_eur"), visits),
        "revenue_per_resident_eur": ratio(total("revenue_eur"), ry),
        "visits_per_resident": ratio(visits, ry),
        "doctor_visits_per_resident": ratio(doctor, ry),
        "wait_mean_days": ratio(total("wait_mean_days", visits_by_step), visits),
        "share_within_guarantee": ratio(total("new_served_within_guarantee"), visits + diverted),
        "share_within_promise": ratio(visits - total("new_promise_breaches"), visits),
        "continuity_plan": ratio(total("new_plan_contacts_continuous"),
                                 total("new_plan_contacts")),
        "heavy_user_share": ratio(heavy, total("n_listed")),
        "heavy_with_plan_share": ratio(total("n_heavy_with_plan_listed"), heavy),
        "heavy_entered_per_1000": ratio(1000 * total("new_heavy_entered"), ry),
        "heavy_left_per_1000": ratio(1000 * total("new_heavy_left"), ry),
        "referrals_per_1000": ratio(1000 * total("new_referrals"), ry),
        "emergency_visits_per_1000": ratio(1000 * (total("new_er_baseline") + diverted), ry),
        "emergency_diverted_per_1000": ratio(1000 * diverted, ry),
    }


def assert_close(got: float, want: float, what: str) -> None:
    if np.isnan(want):
        assert np.isnan(got), f"{what}: {got}, expected undefined"
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), what


def test_regions_are_the_wellbeing_services_counties(national_run):
    package = va.service_package(national_run)
    regions = list(package["region"].values)
    assert regions[0] == "all"
    assert sorted(regions[1:]) == sorted(set(counties().values()))
    assert len(regions) == 24  # the whole country, 21 counties, Helsinki and Åland


def test_package_matches_the_series_by_producer_and_region(national_run):
    county_of = counties()
    with h5py.File(national_run, "r") as f:
        zone_code = dict(zip([z.decode() for z in f["zone"][()]],
                             [c.decode() for c in f["zone_code"][()]]))
        producer_region = np.array([county_of[zone_code[z.decode()]]
                                    for z in f["producer_zone"][()]])
        regions = [r.decode() for r in f["region"][()]]
        names = list(f["service_package/region"])
        assert len(names) == 18
        producers = f["n_listed"].shape[1]
        for j in range(0, producers, 97):  # a spread of producers, public and private
            members = np.zeros(producers, dtype=bool)
            members[j] = True
            want = recompute(f, members)
            for name, value in want.items():
                assert_close(f[f"service_package/producer/{name}"][j], value, f"{name} of producer {j}")
        for k, region in enumerate(regions):
            members = np.ones(producers, dtype=bool) if region == "all" else producer_region == region
            assert members.any(), region
            want = recompute(f, members)
            for name, value in want.items():
                assert_close(f[f"service_package/region/{name}"][k], value, f"{name} of {region}")


def test_region_satisfaction_is_its_producers_weighted_by_their_lists(national_run):
    """Satisfaction is a state at the end: a region's is its producers' means weighted by the
    residents listed at them at the end."""
    with h5py.File(national_run, "r") as f:
        by_producer = f["service_package/producer/satisfaction"][()]
        listed = f["n_listed"][-1].astype(float)
        kept = np.isfinite(by_producer) & (listed > 0)
        whole = f["service_package/region/satisfaction"][0]
        assert whole == pytest.approx(np.sum(by_producer[kept] * listed[kept]) / listed[kept].sum(),
                                      rel=1e-9)
        assert -5 < whole < 5


def test_package_has_units_and_meanings(national_run):
    package = va.service_package(national_run, "producer")
    for name, var in package.data_vars.items():
        assert var.attrs.get("long_name"), name
        assert "units" in var.attrs, name
        assert var.attrs.get("valinta_label"), name
    assert package["cost_per_resident_eur"].attrs["valinta_units"] == "EUR/resident/year"
    assert package["cost_per_resident_eur"].attrs["units"] == "year-1"
    assert package.attrs["steps"] == va.load(national_run).sizes["step"]


def test_report_sets_regions_side_by_side(national_run, tmp_path):
    text = make_report(national_run, tmp_path / "national.html")
    assert_self_contained(text)
    assert 'id="service-package"' in text
    table = va.package_table(national_run)
    for region in table.columns[3:]:
        assert region in text
    assert "Kanta-Hämeen hyvinvointialue" in text
    assert "cost per visit (EUR/visit)" in text


def test_compare_prints_the_package_and_the_file_holds_it(tmp_path):
    output = tmp_path / "cmp.h5"
    command = [str(valinta_binary()), "compare", str(SCENARIOS / "keski-suomi.yaml"),
               str(SCENARIOS / "fee-for-service.yaml"), "--replications", "2",
               "--set", "population.scale=0.05", "--set", "time.steps=30", "-o", str(output)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Service package of the whole area" in result.stdout
    assert "cost per visit" in result.stdout
    table = va.package_comparison(output)
    package = va.service_package(output)
    assert package["cost_per_visit_eur"].dims == ("scenario", "replication", "region")
    row = table[(table["scenario"] == "fee-for-service") & (table["indicator"] == "visits_per_resident")]
    values = package["visits_per_resident"].sel(region="all").values
    assert float(row["difference"].iloc[0]) == pytest.approx(np.mean(values[1] - values[0]))
    assert float(row["scenario_mean"].iloc[0]) == pytest.approx(np.mean(values[1]))
    report = make_report(output, tmp_path / "cmp.html")
    assert 'id="service-package"' in report and "A = keski-suomi, B = fee-for-service" in report


def test_a_file_without_a_package_is_named(comparison_file, tmp_path):
    """The comparison fixture is written as by an engine before the package."""
    with pytest.raises(va.MissingData, match="no service package"):
        va.service_package(comparison_file)
    assert 'id="service-package"' not in make_report(comparison_file, tmp_path / "old.html")


def test_docs_define_every_indicator(small_run):
    text = (REPO_DIR / "docs" / "ODD.md").read_text(encoding="utf-8")
    section = text[text.index("### 9.6 The service package"):text.index("## 10.")]
    with h5py.File(small_run, "r") as f:
        for name in f["service_package/region"]:
            assert f"`{name}`" in section, name
