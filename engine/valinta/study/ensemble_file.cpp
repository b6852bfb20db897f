#include "valinta/study/ensemble_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace valinta {

namespace {

constexpr double kConfidence = 0.95;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

bool has_dim(const Recorder::Series& s, const char* dim) {
  return std::find(s.dims.begin(), s.dims.end(), dim) != s.dims.end();
}

// Which series a file of many runs holds: all, all but those by producer, or neither those by
// producer nor those by zone.
enum class Along { everything, zones, neither };

const Recorder::Series* find_series(const RunRecord& run, const Recorder::Series& like) {
  for (const auto& s : run.series)
    if (s.name == like.name)
      return s.dims == like.dims && s.integer == like.integer && s.real.size() == like.real.size() &&
                     s.count.size() == like.count.size()
                 ? &s
                 : nullptr;
  return nullptr;
}

// Every series that all successful runs recorded with the same shape, written with `leading`
// dimensions in front of (step, ...): runs[k] fills index k of the leading dimensions (which
// multiply to runs.size()). Failed runs are filled with NaN (0 for counts; see run_ok).
void write_series(output::H5File& file, const std::vector<const RunRecord*>& runs,
                  const std::vector<std::string>& leading, Along along) {
  const RunRecord* first = nullptr;
  for (const RunRecord* r : runs)
    if (r->ok) {
      first = r;
      break;
    }
  if (first == nullptr) return;
  for (const auto& like : first->series) {
    if (along != Along::everything && has_dim(like, "producer")) continue;
    if (along == Along::neither && has_dim(like, "zone")) continue;
    std::vector<const Recorder::Series*> found;
    bool common = true;
    for (const RunRecord* r : runs) {
      found.push_back(r->ok ? find_series(*r, like) : nullptr);
      if (r->ok && found.back() == nullptr) common = false;
    }
    if (!common) continue;
    std::vector<std::string> dims = leading;
    dims.push_back("step");
    dims.insert(dims.end(), like.dims.begin(), like.dims.end());
    if (like.integer) {
      std::vector<std::int64_t> data;
      for (const auto* s : found)
        if (s != nullptr)
          data.insert(data.end(), s->count.begin(), s->count.end());
        else
          data.insert(data.end(), like.count.size(), 0);
      file.variable(like.name, data, dims, like.units, like.long_name);
    } else {
      std::vector<double> data;
      for (const auto* s : found)
        if (s != nullptr)
          data.insert(data.end(), s->real.begin(), s->real.end());
        else
          data.insert(data.end(), like.real.size(), kNaN);
      file.variable(like.name, data, dims, like.units, like.long_name);
    }
  }
}

void write_indicator_axis(output::H5File& file) {
  std::vector<std::string> names, labels, units;
  for (const auto& i : summary_indicators()) {
    names.push_back(i.name);
    labels.push_back(i.label);
    units.push_back(i.unit);
  }
  file.dimension("indicator", names, "summary indicator (see summary/text)");
  file.variable("indicator_label", labels, "indicator", "readable name of the indicator");
  file.variable("indicator_units", units, "indicator",
                "unit the indicator is shown in (shares are fractions in the data)");
}

// The service package of each run (null for a failed run).
std::vector<const ServicePackage*> packages_of(const std::vector<const RunRecord*>& runs) {
  std::vector<const ServicePackage*> out;
  for (const RunRecord* r : runs) out.push_back(r->ok ? &r->package : nullptr);
  return out;
}

std::vector<double> summary_values(const RunRecord& run) {
  std::vector<double> v;
  if (!run.ok) return std::vector<double>(summary_indicators().size(), kNaN);
  for (const auto& [name, value] : run.summary.items()) v.push_back(value);
  return v;
}

// values[k]: indicator k of every replication in `runs`.
std::vector<std::vector<double>> by_indicator(const std::vector<RunRecord>& runs) {
  std::vector<std::vector<double>> out(summary_indicators().size());
  for (const auto& run : runs) {
    const auto v = summary_values(run);
    for (std::size_t k = 0; k < v.size(); ++k) out[k].push_back(v[k]);
  }
  return out;
}

// The service package's indicators as the tables show them.
const std::vector<IndicatorInfo>& package_infos() {
  static const std::vector<IndicatorInfo> list = [] {
    std::vector<IndicatorInfo> out;
    for (const PackageIndicator& i : package_indicators())
      out.push_back({i.name, i.label, i.display_unit, i.display_scale});
    return out;
  }();
  return list;
}

// values[k]: package indicator k of region `region` (0: the whole area) in every replication in
// `runs`.
std::vector<std::vector<double>> package_by_indicator(const std::vector<RunRecord>& runs,
                                                      std::size_t region = 0) {
  std::vector<std::vector<double>> out(package_indicators().size());
  for (const auto& run : runs)
    for (std::size_t k = 0; k < out.size(); ++k)
      out[k].push_back(run.ok && k < run.package.by_region.size() && region < run.package.by_region[k].size()
                           ? run.package.by_region[k][region]
                           : kNaN);
  return out;
}

std::vector<std::int64_t> iota64(std::size_t n) {
  std::vector<std::int64_t> v(n);
  for (std::size_t k = 0; k < n; ++k) v[k] = static_cast<std::int64_t>(k);
  return v;
}

struct IntervalColumns {
  std::vector<double> mean, low, high;
  std::vector<std::int64_t> clear;
  void add(const Interval& i) {
    mean.push_back(i.mean);
    low.push_back(i.low);
    high.push_back(i.high);
    clear.push_back(i.excludes_zero() ? 1 : 0);
  }
  void write(output::H5File& file, const std::string& prefix, const std::vector<std::string>& dims,
             const std::string& what) const {
    file.variable(prefix + "_mean", mean, dims, "as indicator", "mean over replications of the " + what);
    file.variable(prefix + "_ci_low", low, dims, "as indicator",
                  "lower end of the 95 % interval of the mean " + what);
    file.variable(prefix + "_ci_high", high, dims, "as indicator",
                  "upper end of the 95 % interval of the mean " + what);
  }
};

std::string shown(double value, const IndicatorInfo& info, bool sign = false) {
  if (std::isnan(value)) return "-";
  const double v = value * info.display_scale;
  const int digits = std::abs(v) >= 100 ? 0 : std::abs(v) >= 10 ? 1 : 2;
  return sign ? fmt::format("{:+.{}f}", v, digits) : fmt::format("{:.{}f}", v, digits);
}

}  // namespace

void write_replications(output::H5File& file, const Scenario& scenario, const RunInfo& info,
                        const std::vector<RunRecord>& runs) {
  write_header(file, scenario, info, "replications");
  file.attribute("/", "replications", static_cast<std::int64_t>(runs.size()));
  file.attribute("/", "confidence", kConfidence);
  write_axes(file, *runs.front().setup, true);
  file.dimension("replication", iota64(runs.size()), "1",
                 "replication: independent random numbers from the same seed (counter-based streams)");
  write_indicator_axis(file);
  std::vector<const RunRecord*> pointers;
  for (const auto& r : runs) pointers.push_back(&r);
  write_series(file, pointers, {"replication"}, Along::everything);
  write_service_package(file, packages_of(pointers), {"replication"}, true);

  std::vector<double> table;
  for (const auto& r : runs) {
    const auto v = summary_values(r);
    table.insert(table.end(), v.begin(), v.end());
  }
  file.variable("summary", table, {"replication", "indicator"}, "as indicator",
                "summary indicators of each replication");
  IntervalColumns columns;
  for (const auto& values : by_indicator(runs)) columns.add(mean_interval(values, kConfidence));
  columns.write(file, "summary", {"indicator"}, "summary indicator");

  std::vector<std::string> log;
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const auto& e : runs[r].event_log) log.push_back(fmt::format("replication {}: {}", r, e));
  write_event_log(file, log);
  write_scenario_texts(file, scenario, "scenario");
  file.text("summary_text", format_replications(runs), "the summary printed at the end of the runs");
}

std::string format_replications(const std::vector<RunRecord>& runs) {
  const auto& list = summary_indicators();
  const auto values = by_indicator(runs);
  std::string out = fmt::format("  {} replications; mean and 95 % interval of the mean\n", runs.size());
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Interval i = mean_interval(values[k], kConfidence);
    out += fmt::format("  {:<38} {:>10}  [{}, {}]  {}\n", list[k].label, shown(i.mean, list[k]),
                       shown(i.low, list[k]), shown(i.high, list[k]), list[k].unit);
  }
  return out;
}

void write_comparison(output::H5File& file, const std::vector<ComparedScenario>& scenarios,
                      const RunInfo& info) {
  const ComparedScenario& base = scenarios.front();
  const std::size_t R = base.runs.size();
  write_header(file, base.scenario, info, "comparison");
  file.attribute("/", "title", "Valinta comparison of scenarios");
  file.attribute("/", "replications", static_cast<std::int64_t>(R));
  file.attribute("/", "baseline", base.label);
  file.attribute("/", "confidence", kConfidence);
  file.attribute("/", "common_random_numbers",
                 "replication r of every scenario uses the same seed and replication number");
  // Compared scenarios simulate the same residents, so the same zones; their producers may differ.
  write_axes(file, *base.runs.front().setup, false);
  write_zone_axis(file, *base.runs.front().setup);
  std::vector<std::string> labels, files;
  for (const auto& s : scenarios) {
    labels.push_back(s.label);
    files.push_back(s.scenario.source.string());
  }
  file.dimension("scenario", labels, "scenario compared (the first is the baseline)");
  file.variable("scenario_file", files, "scenario", "the scenario file");
  file.dimension("replication", iota64(R), "1", "replication: the same random numbers in every scenario");
  write_indicator_axis(file);
  std::vector<const RunRecord*> pointers;
  for (const auto& s : scenarios)
    for (const auto& r : s.runs) pointers.push_back(&r);
  write_series(file, pointers, {"scenario", "replication"}, Along::zones);
  write_service_package(file, packages_of(pointers), {"scenario", "replication"}, false);

  std::vector<double> table;
  for (const auto* r : pointers) {
    const auto v = summary_values(*r);
    table.insert(table.end(), v.begin(), v.end());
  }
  file.variable("summary", table, {"scenario", "replication", "indicator"}, "as indicator",
                "summary indicators of each scenario and replication");
  IntervalColumns levels, differences;
  const auto base_values = by_indicator(base.runs);
  for (const auto& s : scenarios) {
    const auto values = by_indicator(s.runs);
    for (std::size_t k = 0; k < values.size(); ++k) {
      levels.add(mean_interval(values[k], kConfidence));
      differences.add(paired_difference(base_values[k], values[k], kConfidence));
    }
  }
  levels.write(file, "summary", {"scenario", "indicator"}, "summary indicator");
  differences.write(file, "difference", {"scenario", "indicator"}, "paired difference scenario - baseline");
  file.variable("difference_clear", differences.clear, {"scenario", "indicator"}, "1",
                "1 if the 95 % interval of the difference excludes zero");
  for (const auto& s : scenarios) write_scenario_texts(file, s.scenario, "scenarios/" + s.label);
  file.text("summary_text", format_comparison(scenarios),
            "the comparison table printed at the end of the runs");
}

namespace {

// The rows of a comparison table: indicator, unit, A, B, B - A, its interval and whether it is clear.
std::string paired_rows(const std::vector<IndicatorInfo>& list,
                        const std::vector<std::vector<double>>& base_values,
                        const std::vector<std::vector<double>>& values) {
  std::string out = fmt::format("  {:<38} {:<26} {:>9} {:>9} {:>9}  {:<20} {}\n", "indicator", "unit", "A",
                                "B", "B - A", "95 % interval", "clear?");
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Interval a = mean_interval(base_values[k], kConfidence);
    const Interval v = mean_interval(values[k], kConfidence);
    const Interval d = paired_difference(base_values[k], values[k], kConfidence);
    const std::string interval = std::isnan(d.low) ? "-"
                                                   : fmt::format("[{}, {}]", shown(d.low, list[k], true),
                                                                 shown(d.high, list[k], true));
    const std::string clear = d.excludes_zero()           ? (d.mean > 0 ? "yes, B higher" : "yes, B lower")
                              : d.mean == 0 && d.low == 0 ? "no (identical)"
                                                          : "no";
    out += fmt::format("  {:<38} {:<26} {:>9} {:>9} {:>9}  {:<20} {}\n", list[k].label, list[k].unit,
                       shown(a.mean, list[k]), shown(v.mean, list[k]), shown(d.mean, list[k], true), interval,
                       clear);
  }
  return out;
}

}  // namespace

std::string format_comparison(const std::vector<ComparedScenario>& scenarios, bool by_region) {
  const ComparedScenario& base = scenarios.front();
  const auto base_values = by_indicator(base.runs);
  const auto base_package = package_by_indicator(base.runs);
  std::string out = fmt::format(
      "Each scenario ran {} times with common random numbers (replication r used the same seed in every\n"
      "scenario). Differences are paired by replication; 'clear' means the 95 % interval of the\n"
      "difference does not include zero.\n",
      base.runs.size());
  for (std::size_t b = 1; b < scenarios.size(); ++b) {
    const ComparedScenario& other = scenarios[b];
    out += fmt::format("\nA = {} ({})\nB = {} ({})\n", base.label, base.scenario.source.string(), other.label,
                       other.scenario.source.string());
    out += paired_rows(summary_indicators(), base_values, by_indicator(other.runs));
    out += "\n  Service package of the whole area (service_package/region in the results file)\n";
    out += paired_rows(package_infos(), base_package, package_by_indicator(other.runs));
    if (!by_region) continue;
    // The regions, named by the first run that finished (compared scenarios name the same ones).
    std::vector<std::string> regions;
    for (const RunRecord& run : base.runs)
      if (run.ok) {
        regions = run.package.regions;
        break;
      }
    if (regions.size() <= 1) out += "\n  (the zones name no regions: the whole area is the only one)\n";
    for (std::size_t r = 1; r < regions.size(); ++r) {
      out += fmt::format("\n  Service package of {}\n", regions[r]);
      out += paired_rows(package_infos(), package_by_indicator(base.runs, r),
                         package_by_indicator(other.runs, r));
    }
  }
  return out;
}

void write_sweep(output::H5File& file, const SweepSpec& spec, const Scenario& base, const RunInfo& info,
                 const std::vector<std::vector<double>>& points, const std::vector<SweepRun>& runs,
                 const std::string& sweep_text) {
  write_header(file, base, info, "sweep");
  file.attribute("/", "title", "Valinta sweep over scenario parameters");
  file.attribute("/", "design", kSweepDesignNames[static_cast<int>(spec.design)]);
  file.attribute("/", "points", static_cast<std::int64_t>(points.size()));
  file.attribute("/", "replications", spec.replications);
  file.attribute("/", "sweep_file", spec.file.string());
  const RunRecord* with_setup = nullptr;
  for (const auto& r : runs)
    if (r.record.ok && r.record.setup) {
      with_setup = &r.record;
      break;
    }
  if (with_setup != nullptr) write_axes(file, *with_setup->setup, false);
  file.dimension("run", iota64(runs.size()), "1", "run number: design point x replication");
  std::vector<std::string> keys;
  for (const auto& p : spec.parameters) keys.push_back(p.key);
  file.dimension("parameter", keys, "scenario parameter varied by the sweep");
  write_indicator_axis(file);
  std::vector<double> parameters, summary;
  std::vector<std::int64_t> point, replication, ok;
  std::vector<std::string> errors;
  std::vector<const RunRecord*> pointers;
  for (const auto& r : runs) {
    const auto& x = points[static_cast<std::size_t>(r.point)];
    parameters.insert(parameters.end(), x.begin(), x.end());
    const auto v = summary_values(r.record);
    summary.insert(summary.end(), v.begin(), v.end());
    point.push_back(r.point);
    replication.push_back(r.replication);
    ok.push_back(r.record.ok ? 1 : 0);
    errors.push_back(r.record.error);
    pointers.push_back(&r.record);
  }
  file.variable("run_parameters", parameters, {"run", "parameter"}, "as parameter",
                "parameter values of each run");
  file.variable("run_point", point, {"run"}, "1", "design point of the run");
  file.variable("run_replication", replication, {"run"}, "1",
                "replication of the run (the same random numbers at every point)");
  file.variable("run_ok", ok, {"run"}, "1", "1 if the run finished; 0 if it failed (see run_error)");
  file.variable("run_error", errors, "run", "why the run failed (empty if it finished)");
  file.variable("summary", summary, {"run", "indicator"}, "as indicator",
                "summary indicators of each run (NaN if it failed)");
  if (with_setup != nullptr) write_series(file, pointers, {"run"}, Along::neither);
  write_scenario_texts(file, base, "scenario");
  file.text("sweep/source", sweep_text, "the sweep file as given (YAML)");
}

}  // namespace valinta
