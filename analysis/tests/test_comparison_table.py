"""The maths of the comparison table: known differences recovered, identical scenarios give zero
and 'not clear', intervals as Student's t gives them."""

import numpy as np
import pytest

import valinta_analysis as va
from valinta_analysis import stats, tables
from conftest import KNOWN_DELTA, REPLICATIONS

import layouts

# t_{0.975, df} from statistical tables.
TABLE_T = {1: 12.7062047, 2: 4.3026527, 4: 2.7764451, 9: 2.2621572, 29: 2.0452296}


@pytest.mark.parametrize("df", list(TABLE_T))
def test_t_quantile_matches_tables(df):
    assert stats.t_quantile(0.95, df) == pytest.approx(TABLE_T[df], abs=1e-6)


def test_t_quantile_other_confidence():
    assert stats.t_quantile(0.90, 4) == pytest.approx(2.1318468, abs=1e-6)
    assert stats.t_quantile(0.99, 2) == pytest.approx(9.9248432, abs=1e-6)


def test_mean_interval_by_hand():
    mean, low, high = stats.mean_interval([[1.0, 5.0], [2.0, np.nan], [6.0, 7.0]])
    assert mean.tolist() == pytest.approx([3.0, 6.0])
    half_first = 2.7764451 * 0 + 4.3026527 * np.std([1, 2, 6], ddof=1) / np.sqrt(3)
    half_second = 12.7062047 * np.std([5, 7], ddof=1) / np.sqrt(2)
    assert high.tolist() == pytest.approx([3 + half_first, 6 + half_second], rel=1e-6)
    assert low.tolist() == pytest.approx([3 - half_first, 6 - half_second], rel=1e-6)
    single = stats.mean_interval([[4.0]])
    assert np.isnan(single[1]).all() and single[0][0] == 4.0


def test_known_difference_is_recovered(comparison_file):
    table = va.comparison_table(comparison_file)
    rows = table[table["scenario"] == "guarantee-14-days"].set_index("indicator")
    ds = va.load(comparison_file)
    for key, delta in KNOWN_DELTA["guarantee-14-days"].items():
        row = rows.loc[key]
        assert row["difference"] == pytest.approx(delta, abs=1e-9)
        paired = (ds["summary"].sel(scenario="guarantee-14-days", indicator=key)
                  - ds["summary"].sel(scenario="keski-suomi", indicator=key)).values
        half = 2.7764451051977987 * paired.std(ddof=1) / np.sqrt(REPLICATIONS)
        assert row["ci_low"] == pytest.approx(delta - half, rel=1e-9)
        assert row["ci_high"] == pytest.approx(delta + half, rel=1e-9)
        assert row["clear"], key
        assert row["scenario_mean"] - row["baseline_mean"] == pytest.approx(delta, abs=1e-9)
    # Indicators left unchanged (noise of mean zero only) are not clear.
    for key in ("ever_switched_share", "visits_per_resident_year", "referrals_per_1000_year"):
        assert rows.loc[key, "difference"] == pytest.approx(0.0, abs=1e-9)
        assert not rows.loc[key, "clear"], key


def test_identical_pair_gives_zero_and_not_clear(comparison_file):
    table = va.comparison_table(comparison_file)
    for scenario in ("information-transparent", "keski-suomi"):
        rows = table[table["scenario"] == scenario]
        assert len(rows) == len(layouts.INDICATORS)
        assert (rows["difference"] == 0).all()
        assert (rows["ci_low"] == 0).all() and (rows["ci_high"] == 0).all()
        assert not rows["clear"].any()
    words = va.comparison_words(comparison_file, "information-transparent")
    assert set(words["clear difference?"]) == {"no"}


def test_table_agrees_with_stored_differences(comparison_file):
    table = va.comparison_table(comparison_file)
    stored = va.stored_comparison(comparison_file)
    assert list(stored["scenario"]) == list(table["scenario"])
    assert list(stored["indicator"]) == list(table["indicator"])
    assert np.allclose(stored["difference_mean"], table["difference"], atol=1e-9)
    assert np.allclose(stored["difference_ci_low"], table["ci_low"], atol=1e-9)
    assert np.allclose(stored["difference_ci_high"], table["ci_high"], atol=1e-9)
    assert (stored["difference_clear"] == table["clear"]).all()


def test_words_for_a_reader(comparison_file):
    words = va.comparison_words(comparison_file)
    assert list(words.columns) == ["indicator", "A: keski-suomi", "B: guarantee-14-days",
                                   "B \u2212 A", "95 % interval of B \u2212 A", "clear difference?",
                                   "threshold", "large enough to matter?"]
    wait = words.set_index("indicator").loc["Mean wait for a visit"]
    assert wait["B \u2212 A"] == "-1.5 days"
    assert wait["clear difference?"] == "yes"
    assert wait["large enough to matter?"] == "yes"
    assert wait["threshold"].endswith(" days")
    assert wait["95 % interval of B \u2212 A"].endswith(" days")
    share = words.set_index("indicator").loc["Visits within the care guarantee"]
    assert share["B \u2212 A"] == "+3.00 %-points"
    assert share["A: keski-suomi"].endswith(" %")
    assert share["threshold"] == "0.50 %-points"
    text = va.format_comparison(comparison_file)
    assert "B = guarantee-14-days" in text and "B = information-transparent" in text
    assert "clear difference?" in text and "5 replications" in text


def test_one_replication_has_no_interval(tmp_path):
    a, b, _ = layouts.known_summaries(1, {"mean_wait_days": 2.0})
    path = layouts.write_comparison(tmp_path / "one.h5", {"A": a, "B": b})
    table = va.comparison_table(path)
    row = table[(table["scenario"] == "B")].set_index("indicator").loc["mean_wait_days"]
    assert row["difference"] == pytest.approx(2.0)
    assert np.isnan(row["ci_low"]) and not row["clear"]
    assert "n/a" in va.comparison_words(path)["95 % interval of B \u2212 A"].iloc[6]


def test_comparison_table_needs_a_comparison(sweep_file):
    with pytest.raises(ValueError, match="comparison"):
        va.comparison_table(sweep_file)


def test_format_difference_units():
    assert tables.format_difference("organiser_cost_per_resident_year", 12.4) == "+12 EUR"
    assert tables.format_difference("ever_switched_share", -0.0123) == "-1.23 %-points"
    assert tables.format_difference("mean_wait_days", 0.25, unit=False) == "+0.2"


def test_small_differences_do_not_read_as_zero():
    assert tables.format_difference("client_fees_per_resident_year", -0.31) == "-0.31 EUR"
    assert tables.format_difference("ever_switched_share", 2e-6) == "+0.0002 %-points"
    assert tables.format_difference("mean_wait_days", 0.0) == "+0.0 days"
