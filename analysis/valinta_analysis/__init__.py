"""Analysis of Valinta results files: loading, tables, figures and an HTML report.

    import valinta_analysis as va
    ds = va.load("results.h5")              # xarray Dataset, date as a coordinate on step
    va.to_frame(ds, "n_listed_by_sector")   # long pandas DataFrame: step, date, sector, value
    va.summary("results.h5")                # headline figures as a dict
    fig = va.plot_waits_by_sector(ds)       # matplotlib Figure
    va.save_png(fig, "waits.png")
"""

from .plots import (FIGURES, plot_cost_by_kind, plot_cumulative_switching, plot_heavy_users,
                    plot_listed_by_sector, plot_need_flows, plot_producer_events,
                    plot_switches_by_group, plot_waits_by_producer, plot_waits_by_sector,
                    plot_zone_map, png_bytes, save_all, save_png)
from .results import (MissingData, eligible, label, load, long_name, residents, scenario_text,
                      scenario_value, static_variables, summary, summary_text, time_series,
                      to_frame, to_wide, units, variable_table, years)

__all__ = [
    "FIGURES", "MissingData", "eligible", "label", "load", "long_name", "plot_cost_by_kind",
    "plot_cumulative_switching", "plot_heavy_users", "plot_listed_by_sector", "plot_need_flows",
    "plot_producer_events", "plot_switches_by_group", "plot_waits_by_producer",
    "plot_waits_by_sector", "plot_zone_map", "png_bytes", "residents", "save_all", "save_png",
    "scenario_text", "scenario_value", "static_variables", "summary", "summary_text",
    "time_series", "to_frame", "to_wide", "units", "variable_table", "years",
]
