"""A self-contained HTML report of one results file: run details, headline figures and every figure
(embedded as base64 PNG) with a short plain-language caption. The page needs no network: no
external links, stylesheets or scripts.

A single run gets its figures; a replications file the headline figures with intervals, the
headline series with bands, and the figures of its first replication; a comparison file the table
of paired differences, a forest plot of them and the headline series of every scenario."""

from __future__ import annotations

import base64
import html
import os
from typing import Callable

import numpy as np
import xarray as xr

from . import bands, plots, tables
from .results import (REPLICATION, SCENARIO, STEP, DataLike, MissingData, dataset, eligible,
                      file_kind, residents, scenario_value, source_path, step_days, summary)
from .tables import HEADLINES, format_headline, ordered_headlines  # noqa: F401 (used by callers)

TITLES = {
    "listed_by_sector": "Listed residents by sector",
    "cumulative_switching": "Switching over time",
    "switches_by_group": "Who switched: age and income",
    "waits_by_sector": "Waiting times and the care guarantee by sector",
    "waits_by_producer": "Waiting times and the care guarantee by producer",
    "need_flows": "Changes in care need",
    "heavy_users": "Heavy users of services",
    "cost_by_kind": "Cost per resident-year by kind of payment",
    "producer_events": "Producer entries and exits",
    "zone_map": "Switching by municipality",
}


# --- captions ------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def _step_word(ds: xr.Dataset) -> str:
    days = step_days(ds)
    return "week" if days == 7 else f"{days:g}-day step"


def _last_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if finite.size else float("nan")


def caption_listed_by_sector(ds: xr.Dataset, headline: dict) -> str:
    listed = ds["n_listed_by_sector"].isel({STEP: -1})
    total = float(listed.sum()) or 1.0
    parts = [f"{plots.nice(s)} {int(v):,} ({_pct(v / total)})"
             for s, v in zip(ds["sector"].values, listed.values)]
    return ("Where residents are listed, by the sector of their producer. At the end of the run: "
            + ", ".join(parts) + ". The lower panel shows the gain or loss of each sector since "
            f"the first {_step_word(ds)}, which is easier to see than the totals when one sector is much larger.")


def caption_cumulative_switching(ds: xr.Dataset, headline: dict) -> str:
    n = eligible(ds)
    text = (f"How much residents used their choice. The coloured areas add up every change of "
            f"producer since the start, as a share of the {n:,} residents eligible to choose, split "
            "by the reason for the change; a resident who changes twice counts twice.")
    if "n_away_from_home_by_sector" in ds:
        away = float(ds["n_away_from_home_by_sector"].isel({STEP: -1}).sum()) / n
        text += (f" The black line is the share listed somewhere other than their home health "
                 f"station at each point in time: {_pct(away)} at the end.")
    if "ever_switched_share" in headline:
        text += f" In all, {_pct(headline['ever_switched_share'])} switched at least once."
    return text


def caption_switches_by_group(ds: xr.Dataset, headline: dict) -> str:
    by_age = ds["new_switches_by_age_band"].sum(STEP)
    by_income = ds["new_switches_by_income_decile"].sum(STEP)
    total = float(by_age.sum())
    if total == 0:
        return "Switches by age band and income decile: nobody switched in this run."
    top = str(by_age["age_band"].values[int(by_age.argmax())])
    text = (f"Who switched, counted over the whole run. The age band with the most switches is "
            f"{top} years ({int(by_age.max()):,} switches, {_pct(float(by_age.max()) / total)} of "
            f"all). These are counts, not rates: age bands differ in size, while income deciles "
            f"are ten equal-sized groups.")
    lowest, highest = float(by_income.values[0]), float(by_income.values[-1])
    if lowest > 0:
        text += (f" The highest income decile switched {highest / lowest:.2f} times as often as the "
                 f"lowest.")
    return text


def caption_waits_by_sector(ds: xr.Dataset, headline: dict) -> str:
    guarantee = scenario_value(ds, "rules.care_guarantee_days")
    text = (f"How long people waited for a visit, {_step_word(ds)} by {_step_word(ds)} and by the sector of the producer: "
            "the median (half waited less), the 90th percentile (nine in ten waited less), and the "
            "share of contacts served within the care guarantee (diverted ones count as breaches)"
            + (f" of {guarantee} days" if guarantee else "") + ".")
    if "wait_p90_days_all" in ds:
        p90 = _last_finite(ds["wait_p90_days_all"].values)
        if np.isfinite(p90):
            text += f" In the last {_step_word(ds)}, nine in ten visits in the region came within {p90:.0f} days."
    if "share_within_guarantee" in headline:
        text += (f" Over the run, {_pct(headline['share_within_guarantee'])} of visits were within "
                 "the guarantee.")
    return text + " A sector with no line had no producer serving visits."


def caption_waits_by_producer(ds: xr.Dataset, headline: dict) -> str:
    visits = plots._visits(ds)
    p50 = plots._weighted_over_steps(ds["wait_p50_days"], visits)
    text = (f"Each producer's typical waits over the whole run (the value of each {_step_word(ds)} "
            "averaged, weighting busy ones more), grouped by sector with the longest median wait first, and "
            "the share of its contacts served within the care guarantee (a diversion to emergency counts as a breach).")
    if np.isfinite(p50.values).any():
        k = int(np.nanargmax(p50.values))
        text += (f" The longest median wait was at {ds['producer'].values[k]} "
                 f"({float(p50.values[k]):.0f} days).")
    if "producer_active" in ds:
        never = int((ds["producer_active"].max(STEP) == 0).sum())
        if never:
            text += f" {never} planned entrants that never opened are left out."
    return text


def caption_need_flows(ds: xr.Dataset, headline: dict) -> str:
    flows = ds["new_need_flows"].sum(STEP).values
    up = int(np.triu(flows, 1).sum())
    down = int(np.tril(flows, -1).sum())
    per_year = round(365.25 / step_days(ds))
    return (f"How residents' care needs changed. Each cell counts residents moving in one "
            f"{_step_word(ds)} from the need level on the left to the level at the bottom, added up "
            "over the run; the diagonal counts those who stayed (one resident staying a whole year "
            f"counts {per_year} times). "
            f"Colours are on a logarithmic scale. In all, {up:,} moves went to a higher need level "
            f"and {down:,} to a lower one.")


def caption_heavy_users(ds: xr.Dataset, headline: dict) -> str:
    heavy = ds["n_heavy"].values
    first, last = int(heavy[0]), int(heavy[-1])
    change = f" ({(last - first) / first * 100:+.1f} %)" if first else ""
    text = (f"Residents with heavy care needs, the heavy-user indicator of the integration "
            f"guidance: {first:,} at the start and {last:,} at the end{change}.")
    if "n_heavy_with_plan_listed" in ds and float(ds["n_heavy_with_plan_listed"].max()) > 0:
        with_plan = int(ds["n_heavy_with_plan_listed"].isel({STEP: -1}).sum())
        text += (f" The second line shows those with a customer plan: {with_plan:,} at the end.")
    return text


def caption_cost_by_kind(ds: xr.Dataset, headline: dict) -> str:
    per_year = plots.cost_per_resident_year(ds)
    kinds = [str(k) for k in ds["payment_kind"].values]
    organiser = {k: float(per_year.sel(payment_kind=k)) for k in kinds if k != "client_fee"}
    total = sum(organiser.values())
    largest = max(organiser, key=organiser.get) if organiser else None
    text = (f"What the organiser paid, per resident per year: {total:,.0f} EUR in all over the run"
            + (f", the largest item being {plots.nice(largest)} ({organiser[largest]:,.0f} EUR)"
               if largest else "") + ".")
    if "client_fee" in kinds:
        text += (f" Client fees ({float(per_year.sel(payment_kind='client_fee')):,.0f} EUR per "
                 "resident-year, hatched) are paid by residents, not by the organiser.")
    return text + (f" The right panel shows the organiser's spending {_step_word(ds)} by "
                   f"{_step_word(ds)}, scaled to a year.")


def caption_producer_events(ds: xr.Dataset, headline: dict) -> str:
    events = plots.producer_events(ds)
    if not events:
        text = "No producer opened, entered, closed or left the market in this run."
        if "producer_active" in ds:
            text += f" {int(ds['producer_active'].isel({STEP: -1}).sum())} producers were open throughout."
        return text
    counts: dict[str, int] = {}
    for event in events:
        counts[event[6]] = counts.get(event[6], 0) + 1
    listed = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    text = f"Changes in the producer market: {listed}. The lower panel shows when and which."
    if "producer_active" in ds:
        active = ds["producer_active"].sum("producer").values
        text += f" Producers open: {int(active[0])} at the start, {int(active[-1])} at the end."
    return text


def caption_zone_map(ds: xr.Dataset, headline: dict) -> str:
    share = plots.last_step_away_share(ds)
    text = ("Each circle is a municipality, placed at its centre and sized by the residents "
            "simulated. Filled circles have residents eligible to choose and are coloured by the "
            "share of them listed away from their home health station at the end of the run; "
            "hollow grey circles had no one eligible. Crosses mark producers.")
    if np.isfinite(share.values).any():
        k = int(np.nanargmax(share.values))
        text += f" The highest share was in {ds['zone'].values[k]} ({_pct(float(share.values[k]))})."
    return text


CAPTIONS: dict[str, Callable[[xr.Dataset, dict], str]] = {
    "listed_by_sector": caption_listed_by_sector,
    "cumulative_switching": caption_cumulative_switching,
    "switches_by_group": caption_switches_by_group,
    "waits_by_sector": caption_waits_by_sector,
    "waits_by_producer": caption_waits_by_producer,
    "need_flows": caption_need_flows,
    "heavy_users": caption_heavy_users,
    "cost_by_kind": caption_cost_by_kind,
    "producer_events": caption_producer_events,
    "zone_map": caption_zone_map,
}


# --- the page ------------------------------------------------------------------------------------

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { text-align: left; padding: 0.25em 0.8em; border-bottom: 1px solid #e4e4e4;
         vertical-align: top; }
td.value { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 0.5em 0 1.5em; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { margin-top: 0.4em; max-width: 60em; }
.small { color: #555; font-size: 0.9em; }
code { font-size: 0.9em; word-break: break-all; }
tr.clear th, tr.clear td { background: #fff3cd; font-weight: bold; }
"""


def run_details(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(label, value) rows describing the run, from the file's root attributes and scenario."""
    rows = []
    if "scenario_name" in ds.attrs:
        rows.append(("Scenario", str(ds.attrs["scenario_name"])))
    description = scenario_value(ds, "description")
    if description:
        rows.append(("Description", description))
    if "date" in ds.coords and ds.sizes.get(STEP, 0):
        first = np.datetime64(ds["date"].values[0], "D")
        end = np.datetime64(ds["date"].values[-1], "D") + np.timedelta64(int(step_days(ds)) - 1, "D")
        rows.append(("Period", f"{first} to {end} ({ds.sizes[STEP]} steps of {step_days(ds):g} days)"))
    rows.append(("Residents simulated", f"{residents(ds):,}"))
    if "producer" in ds.sizes:
        rows.append(("Producers", f"{ds.sizes['producer']}"))
    return rows + provenance(ds, (("seed", "Seed"), ("replication", "Replication")))


PROVENANCE = (("engine_version", "Engine version"), ("git_commit", "Engine commit"),
              ("created", "Created"), ("command_line", "Command line"))


def provenance(ds: xr.Dataset, first: tuple = ()) -> list[tuple[str, str]]:
    """(label, value) rows of the root attributes in ``first`` then those saying how the file was
    made (engine, commit, time, command line), and the path of the results file."""
    rows = [(label, str(ds.attrs[key])) for key, label in (*first, *PROVENANCE) if key in ds.attrs]
    source = source_path(ds)
    if source:
        rows.append(("Results file", source))
    return rows


def _page_start(title: str, intro: str) -> list[str]:
    esc = html.escape
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f"<title>{esc(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
            f"<h1>{esc(title)}</h1>", f'<p class="small">{esc(intro)}</p>']


def _page_end(out: list[str], left_out: list[tuple[str, str]]) -> str:
    esc = html.escape
    if left_out:
        out.append("<h2>Figures left out</h2><ul>")
        out.extend(f"<li>{esc(title)}: {esc(reason)}</li>" for title, reason in left_out)
        out.append("</ul>")
    out.append('<p class="small">Made with valinta_analysis from the results file named above.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _figures(out: list[str], ds: xr.Dataset, figures: dict, titles: dict, captions: dict,
             dpi: int, left_out: list[tuple[str, str]], prefix: str = "") -> None:
    """Appends each figure as an embedded PNG with its caption; a figure whose data is missing is
    added to ``left_out`` instead. ``captions`` maps name -> function(ds) -> text."""
    esc = html.escape
    for key, plot in figures.items():
        title = prefix + titles.get(key, key.replace("_", " ").capitalize())
        try:
            fig = plot(ds)
            caption = captions[key](ds) if key in captions else ""
        except MissingData as error:
            left_out.append((title, str(error.args[0])))
            continue
        encoded = base64.b64encode(plots.png_bytes(fig, dpi=dpi)).decode("ascii")
        out.append(f'<h2 id="{esc(key)}">{esc(title)}</h2>')
        out.append(f'<figure><img src="data:image/png;base64,{encoded}" alt="{esc(title)}">'
                   f"<figcaption>{esc(caption)}</figcaption></figure>")


def _run_captions(headline: dict) -> dict:
    return {key: (lambda ds, caption=caption: caption(ds, headline))
            for key, caption in CAPTIONS.items()}


def build_report(data: DataLike, dpi: int = plots.DPI) -> str:
    """The report as an HTML string, for a single run, a replications file or a comparison."""
    ds = dataset(data)
    kind = file_kind(ds)
    if kind == "comparison":
        return build_comparison_report(ds, dpi)
    if kind == "replications":
        return build_replications_report(ds, dpi)
    if kind != "run":
        raise ValueError(f"no report for a {kind} file: use `valinta_analysis table` for its "
                         "runs and parameters")
    headline = summary(ds) if source_path(ds) else {}
    name = str(ds.attrs.get("scenario_name", "results"))
    out = _page_start(f"Valinta results: {name}",
                      "A simulation of a freedom-of-choice pilot in social and health care. "
                      "Figures come from one simulated run; a different seed gives somewhat "
                      "different numbers.")
    out.append("<h2>Run</h2>")
    out.append(_table(run_details(ds), code_labels=CODE_LABELS))
    out.append("<h2>Headline figures</h2>")
    if headline:
        out.append(_table(ordered_headlines(headline), numeric=True))
    else:
        out.append("<p>The results file has no summary.</p>")
    left_out: list[tuple[str, str]] = []
    _figures(out, ds, plots.FIGURES, TITLES, _run_captions(headline), dpi, left_out)
    return _page_end(out, left_out)


CODE_LABELS = {"Command line", "Results file", "Engine commit"}

BAND_TITLES = {
    "differences": "Differences from the baseline, with 95 % intervals",
    "away_from_home_bands": "Listed away from the home station, by sector",
    "cumulative_switching_bands": "Switching over time",
    "waits_bands": "Waiting times",
    "guarantee_bands": "Visits within the care guarantee",
    "organiser_cost_bands": "Organiser's cost",
}


def _band_caption(what: str, name: str, scale: float = 1.0, fmt: str = "{:,.0f}",
                  reduce: Callable | None = None) -> Callable[[xr.Dataset], str]:
    """A caption function: what the figure shows, then each scenario's mean at the last step."""
    def caption(ds: xr.Dataset) -> str:
        parts = []
        for label, values in bands.scenario_groups(ds, name):
            last = values.isel({STEP: -1})
            if reduce is not None:
                last = reduce(ds, label, values).isel({STEP: -1})
            parts.append(f"{label} {fmt.format(float(last.mean()) * scale)}")
        return (f"{what} Each line is the mean over the replications, the shaded band its 95 % "
                "interval: the spread of each scenario on its own. Whether two scenarios clearly "
                "differ is judged from their paired differences (table and forest plot), which "
                f"are more precise. At the last {_step_word(ds)}: " + ", ".join(parts) + ".")
    return caption


def _cumulative_share(ds: xr.Dataset, label: str, values: xr.DataArray) -> xr.DataArray:
    eligible_count = bands.scenario_indicator(ds, label, "eligible") or 1.0
    return values.cumsum(STEP) / eligible_count


def _away_total(ds: xr.Dataset, label: str, values: xr.DataArray) -> xr.DataArray:
    return values.sum("sector")


BAND_CAPTIONS: dict[str, Callable[[xr.Dataset], str]] = {
    "away_from_home_bands": _band_caption(
        "Residents listed somewhere other than their home health station, by the sector of the "
        "producer they chose.", "n_away_from_home_by_sector", reduce=_away_total,
        fmt="{:,.0f} residents in all"),
    "cumulative_switching_bands": _band_caption(
        "Every change of producer since the start, as a share of residents eligible to choose "
        "(a resident changing twice counts twice).", "new_switches", scale=100, fmt="{:.1f} %",
        reduce=_cumulative_share),
    "waits_bands": _band_caption("How long visits waited, over all producers.",
                                 "wait_mean_days_all", fmt="mean wait {:.1f} days"),
    "guarantee_bands": _band_caption("The share of all contacts served within the care guarantee (diversions to emergency count as breaches).",
                                     "share_within_guarantee_all", scale=100, fmt="{:.1f} %"),
    "organiser_cost_bands": _band_caption(
        "What the organiser paid each step (client fees and producers' share of referral costs "
        "left out, as in the summary), scaled to a year and divided by the residents.",
        "organiser_books_eur",
        reduce=lambda ds, label, v: (v.sel(payment_kind=bands.organiser_kinds(ds)).sum("payment_kind")
                                     * 365.25 / step_days(ds)
                                     / (bands.scenario_indicator(ds, label, "residents") or 1.0)),
        fmt="{:,.0f} EUR per resident-year"),
}


def caption_differences(ds: xr.Dataset) -> str:
    table = tables.comparison_table(ds)
    base = table.attrs["baseline"]
    clear = table[(table["scenario"] != base) & table["clear"]
                  & ~table["indicator"].isin(bands.NOT_COMPARED)]
    text = (f"Each panel is one headline indicator; each dot is a scenario's difference from the "
            f"baseline {base} (B \u2212 A, the mean over paired replications that share their "
            "random numbers), the bar its 95 % interval. Red and blue mark clear differences "
            "(higher or lower: the interval does not include zero); grey ones may be chance.")
    if clear.empty:
        return text + " No difference is clear."
    listed = "; ".join(f"{row.scenario}: {tables.short_label(row.indicator).lower()} "
                       f"{tables.format_difference(row.indicator, row.difference)}"
                       for row in clear.itertuples())
    return text + f" Clear differences: {listed}."


def comparison_details(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(label, value) rows describing a comparison: scenarios and files, replications, seed."""
    rows = [("Baseline (A)", tables.baseline(ds))]
    files = ([str(v) for v in ds["scenario_file"].values] if "scenario_file" in ds
             else [""] * ds.sizes[SCENARIO])
    for label, file in zip(tables.scenarios(ds), files):
        rows.append((f"Scenario {label}", file or label))
    if "date" in ds.coords and ds.sizes.get(STEP, 0):
        rows.append(("Period", f"{np.datetime64(ds['date'].values[0], 'D')}, {ds.sizes[STEP]} "
                               f"steps of {step_days(ds):g} days"))
    return rows + provenance(ds, (("replications", "Replications per scenario"), ("seed", "Seed"),
                                  ("confidence", "Confidence of the intervals")))


def _words_table(words) -> str:
    """An HTML table of comparison_words, the rows with a clear difference highlighted."""
    esc = html.escape
    head = "".join(f"<th>{esc(str(c))}</th>" for c in words.columns)
    rows = []
    for values in words.itertuples(index=False):
        clear = values[-1] == "yes"
        cells = [f"<th>{esc(str(values[0]))}</th>"]
        cells += [f'<td class="value">{esc(str(v))}</td>' for v in values[1:]]
        opening = '<tr class="clear">' if clear else "<tr>"
        rows.append(opening + "".join(cells) + "</tr>")
    return f"<table>\n<tr>{head}</tr>\n" + "\n".join(rows) + "\n</table>"


def build_comparison_report(data: DataLike, dpi: int = plots.DPI) -> str:
    """The report of a comparison file: scenarios, the table of differences, the forest plot and
    the headline series with bands over replications."""
    ds = dataset(data)
    table = tables.comparison_table(ds)
    labels = tables.scenarios(ds)
    out = _page_start("Valinta comparison: " + " vs ".join(labels),
                      "Simulations of freedom-of-choice rules in social and health care, each "
                      "scenario run several times (replications). Replication r of every scenario "
                      "uses the same random numbers, so the differences between scenarios come "
                      "from their rules, and chance shows in how much the differences vary from "
                      "one replication to the next.")
    out.append("<h2>Comparison</h2>")
    out.append(_table(comparison_details(ds), code_labels=CODE_LABELS))
    out.append("<h2>Summary table</h2>")
    out.append(f"<p>A is the baseline <b>{html.escape(table.attrs['baseline'])}</b>. Values are "
               "means over the replications; B \u2212 A is the mean of the paired differences with "
               f"its {table.attrs['confidence'] * 100:g} % interval. Shares are in per cent and "
               "their differences in percentage points (%-points). Highlighted rows are clear "
               "differences: the interval does not include zero.</p>")
    for label in labels[1:]:
        out.append(f"<h3>B = {html.escape(label)}</h3>")
        out.append(_words_table(tables.comparison_words(table, label)))
    left_out: list[tuple[str, str]] = []
    captions = {"differences": caption_differences, **BAND_CAPTIONS}
    _figures(out, ds, bands.COMPARISON_FIGURES, BAND_TITLES, captions, dpi, left_out)
    return _page_end(out, left_out)


def build_replications_report(data: DataLike, dpi: int = plots.DPI) -> str:
    """The report of a replications file: the headline figures as means with 95 % intervals,
    the headline series with bands, then the single-run figures of the first replication."""
    ds = dataset(data)
    table = tables.summary_table(ds)
    count = ds.sizes[REPLICATION]
    name = str(ds.attrs.get("scenario_name", "results"))
    first = bands.one_replication(ds, 0)
    out = _page_start(f"Valinta results: {name} ({count} replications)",
                      f"A simulation of a freedom-of-choice pilot in social and health care, run "
                      f"{count} times with different random numbers. Headline figures are means "
                      "over the replications with the 95 % interval of the mean; the detailed "
                      "figures at the end show the first replication.")
    out.append("<h2>Run</h2>")
    rows = run_details(first)
    rows.insert(1, ("Replications", str(count)))
    out.append(_table(rows, code_labels=CODE_LABELS))
    out.append("<h2>Headline figures</h2>")
    shown = [(tables.indicator_label(row.indicator),
              f"{tables.format_value(row.indicator, row.mean)}   "
              f"(95 % interval {tables.format_value(row.indicator, row.ci_low)} to "
              f"{tables.format_value(row.indicator, row.ci_high)})")
             for row in table.itertuples()]
    out.append(_table(shown, numeric=True))
    left_out: list[tuple[str, str]] = []
    _figures(out, ds, bands.BAND_FIGURES, BAND_TITLES, BAND_CAPTIONS, dpi, left_out)
    headline = dict(zip(tables.indicators(ds), ds["summary"].isel({REPLICATION: 0}).values.tolist()))
    _figures(out, first, plots.FIGURES, TITLES, _run_captions(headline), dpi, left_out,
             prefix="Replication 0: ")
    return _page_end(out, left_out)


def write_report(data: DataLike, path: str | os.PathLike, dpi: int = plots.DPI) -> str:
    """Writes the report to ``path`` (UTF-8) and returns the path."""
    text = build_report(data, dpi=dpi)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return os.fspath(path)


def _table(rows, numeric: bool = False, code_labels=frozenset()) -> str:
    cells = []
    for label, value in rows:
        shown = f"<code>{html.escape(value)}</code>" if label in code_labels else html.escape(value)
        cls = ' class="value"' if numeric else ""
        cells.append(f"<tr><th>{html.escape(label)}</th><td{cls}>{shown}</td></tr>")
    return "<table>\n" + "\n".join(cells) + "\n</table>"
