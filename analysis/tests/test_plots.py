"""Every figure: drawn, labelled with units, written as a non-empty PNG."""

import pytest

import valinta_analysis as va
from valinta_analysis import plots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_labelled(fig):
    """Every plotting axes has a title (its own or the figure's) and x and y labels (its own or
    those of an axes sharing the axis); every colour bar has a label."""
    axes = fig.get_axes()
    assert axes
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    for ax in axes:
        if ax.get_label() == "<colorbar>":
            assert ax.get_ylabel() or ax.get_xlabel(), "colour bar without a label"
            continue
        assert ax.get_title() or suptitle, "axes without a title"
        x_siblings = ax.get_shared_x_axes().get_siblings(ax)
        assert any(a.get_xlabel() for a in x_siblings), f"axes '{ax.get_title()}' has no x label"
        y_siblings = ax.get_shared_y_axes().get_siblings(ax)
        assert any(a.get_ylabel() for a in y_siblings), f"axes '{ax.get_title()}' has no y label"
    labels = " ".join(a.get_xlabel() + " " + a.get_ylabel() for a in axes)
    assert "[" in labels and "]" in labels, "no units in the axis labels"


@pytest.mark.parametrize("name", list(plots.FIGURES))
def test_figure(name, small_ds, tmp_path):
    fig = plots.FIGURES[name](small_ds)
    assert_labelled(fig)
    path = va.save_png(fig, tmp_path / f"{name}.png")
    data = open(path, "rb").read()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000


def test_figures_accept_a_path(small_run):
    fig = va.plot_listed_by_sector(small_run)
    assert_labelled(fig)


def test_producer_entries(market_ds, tmp_path):
    events = plots.producer_events(market_ds)
    assert events, "the open-market scenario should have producers entering"
    assert {e[6] for e in events} <= {"opened", "entered the market", "closed", "left the market"}
    fig = va.plot_producer_events(market_ds)
    assert_labelled(fig)
    timeline = fig.get_axes()[-1]
    assert len(timeline.collections) >= 1  # the event markers
    assert va.save_png(fig, tmp_path / "events.png")


def test_no_events_says_so(small_ds):
    assert plots.producer_events(small_ds) == []
    fig = va.plot_producer_events(small_ds)
    texts = " ".join(t.get_text() for t in fig.get_axes()[-1].texts)
    assert "No producer" in texts


def test_waits_by_producer_leaves_out_unopened_entrants(market_ds):
    fig = va.plot_waits_by_producer(market_ds)
    assert_labelled(fig)
    shown = len(fig.get_axes()[0].get_yticklabels())
    ever_open = int((market_ds["producer_active"].max("step") > 0).sum())
    assert shown == ever_open < market_ds.sizes["producer"]


def test_zone_map_colours_by_away_share(small_ds):
    share = plots.last_step_away_share(small_ds)
    away = small_ds["n_away_from_home_by_zone"].isel(step=-1).sum("sector")
    jyvaskyla = "Jyv\u00e4skyl\u00e4"
    expected = float(away.sel(zone=jyvaskyla)) / float(small_ds["zone_eligible"].sel(zone=jyvaskyla))
    assert float(share.sel(zone=jyvaskyla)) == pytest.approx(expected)
    assert share.isnull().sum() == (small_ds["zone_eligible"] == 0).sum()


def test_missing_data_is_reported(small_ds, tmp_path):
    trimmed = small_ds.drop_vars(["new_need_flows"])
    with pytest.raises(va.MissingData):
        va.plot_need_flows(trimmed)
    skipped = {}
    written = va.save_all(trimmed.drop_vars(["n_heavy"]), tmp_path, dpi=30, skipped=skipped)
    assert set(skipped) == {"need_flows", "heavy_users"}
    assert set(written) == set(plots.FIGURES) - set(skipped)
