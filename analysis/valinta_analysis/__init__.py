"""Analysis of Valinta results files: loading, tables, figures and an HTML report.

    import valinta_analysis as va
    ds = va.load("results.h5")              # xarray Dataset, date as a coordinate on step
    va.to_frame(ds, "n_listed_by_sector")   # long pandas DataFrame: step, date, sector, value
    va.summary("results.h5")                # headline figures as a dict
    fig = va.plot_waits_by_sector(ds)       # matplotlib Figure
    va.save_png(fig, "waits.png")

Replications, comparison and sweep files (root attribute ``kind``) load the same way, with the
extra dimensions replication, scenario, indicator or run:

    va.file_kind("cmp.h5")                  # 'comparison'
    va.summary_table("reps.h5")             # indicator, mean, ci_low, ci_high
    va.comparison_table("cmp.h5")           # A, B, B - A, interval, clear, threshold,
                                            # large_enough; per scenario
    print(va.format_comparison("cmp.h5"))   # the same in words
    va.rule_differences("cmp.h5")           # the rules each scenario changes
    va.sweep_table("sweep.h5")              # one row per run: parameters and indicators
    va.plot_differences("cmp.h5")           # forest plot of the paired differences
    va.package_table("run.h5")              # the service package, regions side by side
    va.package_comparison("cmp.h5")         # ... of the compared rule sets, paired differences

A file that is not a Valinta results file, or is damaged, raises ResultsFileError (a ValueError)
naming the file and the problem; it is checked in a child process first, so it cannot hang.
"""

from .bands import (BAND_FIGURES, COMPARISON_FIGURES, REPLICATION_FIGURES, SWEEP_FIGURES,
                    figure_set, one_replication, plot_away_from_home_bands,
                    plot_cumulative_switching_bands, plot_differences, plot_guarantee_bands,
                    plot_organiser_cost_bands, plot_sensitivity, plot_sweep_scatter,
                    plot_waits_bands, plot_zone_differences)
from .plots import (FIGURES, plot_cost_by_kind, plot_cumulative_switching, plot_heavy_users,
                    plot_listed_by_sector, plot_need_flows, plot_producer_events,
                    plot_switches_by_group, plot_waits_by_producer, plot_waits_by_sector,
                    plot_zone_map, png_bytes, save_all, save_png)
from .integrity import ResultsFileError, check_results_file
from .results import (KINDS, MissingData, eligible, file_kind, label, load, long_name, residents,
                      scenario_text, scenario_value, static_variables, summary, summary_text,
                      time_series, to_frame, to_wide, units, variable_table, years)
from .package import package_comparison, package_table, regions_side_by_side, service_package
from .rules import resolved_scenarios, rule_differences
from .stats import mean_interval, t_quantile
from .tables import (comparison_table, comparison_words, default_threshold, format_comparison,
                     headline, sensitivity_table, stored_comparison, summary_table, sweep_table)

__all__ = [
    "package_comparison", "package_table", "regions_side_by_side", "service_package",
    "resolved_scenarios", "rule_differences", "default_threshold", "REPLICATION_FIGURES",
    "plot_zone_differences",
    "BAND_FIGURES", "COMPARISON_FIGURES", "KINDS", "comparison_table", "comparison_words",
    "figure_set", "file_kind", "format_comparison", "headline", "mean_interval",
    "one_replication", "plot_away_from_home_bands", "plot_cumulative_switching_bands",
    "plot_differences", "plot_guarantee_bands", "plot_organiser_cost_bands", "plot_waits_bands",
    "sensitivity_table", "stored_comparison", "summary_table", "sweep_table", "t_quantile",
    "SWEEP_FIGURES", "plot_sensitivity", "plot_sweep_scatter",
    "FIGURES", "MissingData", "ResultsFileError", "check_results_file", "eligible", "label", "load", "long_name", "plot_cost_by_kind",
    "plot_cumulative_switching", "plot_heavy_users", "plot_listed_by_sector", "plot_need_flows",
    "plot_producer_events", "plot_switches_by_group", "plot_waits_by_producer",
    "plot_waits_by_sector", "plot_zone_map", "png_bytes", "residents", "save_all", "save_png",
    "scenario_text", "scenario_value", "static_variables", "summary", "summary_text",
    "time_series", "to_frame", "to_wide", "units", "variable_table", "years",
]
