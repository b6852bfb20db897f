// A calibration's results: the targets' values in a finished run, and the evaluations kept in a
// results file (calibration.hpp). Apart from the file's reader, so that the reader needs nothing
// of the runs.
#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "valinta/model/indicators.hpp"
#include "valinta/output/h5_input.hpp"
#include "valinta/scenario/diagnostics.hpp"
#include "valinta/scenario/params.hpp"
#include "valinta/study/calibration.hpp"

namespace valinta {

namespace {

[[noreturn]] void target_error(const CalibrationSpec& spec, const CalibrationTarget& t,
                               const std::string& message) {
  Diagnostics d;
  d.error(spec.file.string(), t.line, t.column, "targets: " + t.indicator, message);
  throw ScenarioError(std::move(d));
}

}  // namespace

KeptEvaluations read_kept_evaluations(const std::filesystem::path& results, const CalibrationSpec& spec) {
  const auto refuse = [&](const std::string& why) {
    Diagnostics d;
    d.error(results.string(), 0, 0, "--resume", why);
    throw ScenarioError(std::move(d));
  };
  if (!std::filesystem::is_regular_file(results))
    refuse("no such results file to continue from (give the -o of the calibration to continue)");
  const hid_t file = H5Fopen(results.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) refuse("not an HDF5 file");
  struct Closer {
    hid_t f;
    ~Closer() { H5Fclose(f); }
  } closer{file};
  // A root text attribute (output/h5_file); "" if there is none.
  const output::H5Input input(results);
  const auto text_attribute = [&](const char* name) { return input.text_attribute("/", name).value_or(""); };
  if (text_attribute("kind") != "calibration") refuse("not the results file of a calibration");
  if (text_attribute("fingerprint") != calibration_fingerprint(spec))
    refuse(
        "made from another calibration (scenarios, replications, seed, overrides, parameters or targets "
        "differ); only the options may change between a calibration and its continuation");
  const auto k = spec.parameters.size(), T = spec.targets.size();
  const auto read = [&](const char* name, std::size_t columns) {
    std::vector<double> data;
    int rank = 0;
    if (H5Lexists(file, "evaluations", H5P_DEFAULT) <= 0 || H5Lexists(file, name, H5P_DEFAULT) <= 0 ||
        H5LTget_dataset_ndims(file, name, &rank) < 0 || rank != 2)
      refuse(fmt::format("holds no {} of evaluations", name));
    hsize_t shape[2] = {0, 0};
    H5LTget_dataset_info(file, name, shape, nullptr, nullptr);
    if (shape[1] != columns)
      refuse(fmt::format("{} has {} columns where {} were expected", name, shape[1], columns));
    data.resize(static_cast<std::size_t>(shape[0] * shape[1]));
    if (!data.empty() && H5LTread_dataset_double(file, name, data.data()) < 0)
      refuse(fmt::format("cannot read {}", name));
    return data;
  };
  const std::vector<double> theta = read("evaluations/search", k), moments = read("evaluations/moments", T);
  if (theta.size() / k != moments.size() / T)
    refuse("the evaluations' parameters and moments differ in number");
  KeptEvaluations kept;
  for (std::size_t e = 0; e < theta.size() / k; ++e) {
    kept.search.push_back(
        Eigen::Map<const Eigen::VectorXd>(theta.data() + e * k, static_cast<Eigen::Index>(k)));
    kept.moments.push_back(
        Eigen::Map<const Eigen::VectorXd>(moments.data() + e * T, static_cast<Eigen::Index>(T)));
  }
  return kept;
}

double target_moment(const CalibrationSpec& spec, const CalibrationTarget& t, const RunRecord& run) {
  if (t.summary) {
    for (const auto& [name, value] : run.summary.items())
      if (name == t.indicator) return value;
    target_error(spec, t, "the run has no summary item " + t.indicator);
  }
  const auto series = std::find_if(run.series.begin(), run.series.end(),
                                   [&](const Recorder::Series& s) { return s.name == t.indicator; });
  if (series == run.series.end()) target_error(spec, t, "the run recorded no " + t.indicator);
  if (!run.setup) throw std::logic_error("target_moment: the run was recorded without its set-up");
  const RunSetup& setup = *run.setup;
  // The positions of the selection within a step's row (dimensions in order, the last fastest):
  // one, or the pilot's zones for `zone: pilot_area`.
  std::vector<std::size_t> offsets{0};
  for (std::size_t d = 0; d < series->dims.size(); ++d) {
    const std::string& dim = series->dims[d];
    const auto labels = dim == "zone"       ? std::optional(setup.zone_name)
                        : dim == "producer" ? std::optional(setup.producer_name)
                                            : dimension_labels(dim);
    if (!labels) target_error(spec, t, "cannot select in dimension " + dim);
    const auto chosen =
        std::find_if(t.select.begin(), t.select.end(), [&](const auto& s) { return s.first == dim; });
    std::vector<std::size_t> at;
    if (dim == "zone" && chosen != t.select.end() && chosen->second == "pilot_area") {
      for (std::size_t z = 0; z < setup.zone_in_pilot.size(); ++z)
        if (setup.zone_in_pilot[z] != 0) at.push_back(z);
      if (at.empty()) target_error(spec, t, fmt::format("scenario {} has no pilot area", t.scenario));
    } else {
      auto it = chosen == t.select.end() ? labels->end()
                                         : std::find(labels->begin(), labels->end(), chosen->second);
      if (dim == "zone" && it == labels->end() && chosen != t.select.end()) {  // a zone by its code
        const auto code = std::find(setup.zone_code.begin(), setup.zone_code.end(), chosen->second);
        if (code != setup.zone_code.end()) it = labels->begin() + (code - setup.zone_code.begin());
      }
      if (it == labels->end())
        target_error(spec, t,
                     fmt::format("scenario {} has no {} '{}'", t.scenario, dim,
                                 chosen == t.select.end() ? std::string() : chosen->second));
      at.push_back(static_cast<std::size_t>(it - labels->begin()));
    }
    std::vector<std::size_t> next;
    for (const std::size_t o : offsets)
      for (const std::size_t a : at) next.push_back(o * labels->size() + a);
    offsets = std::move(next);
  }
  // The steps: the one containing `date`, those beginning within [from, to], or all.
  std::int64_t first = 0, last = static_cast<std::int64_t>(setup.steps) - 1;
  if (!t.date.empty() || !t.from.empty()) {
    std::int64_t a = 0, b = 0;
    parse_iso_date(t.date.empty() ? t.from : t.date, a);
    parse_iso_date(t.date.empty() ? t.to : t.date, b);
    const auto step_of = [&](std::int64_t day) {
      return static_cast<std::int64_t>(
          std::floor(static_cast<double>(day - setup.start_day) / static_cast<double>(setup.step_days)));
    };
    first = t.date.empty() ? step_of(a - 1) + 1 : step_of(a);
    last = step_of(b);
    first = std::max<std::int64_t>(first, 0);
    last = std::min<std::int64_t>(last, static_cast<std::int64_t>(setup.steps) - 1);
    if (first > last)
      target_error(
          spec, t,
          fmt::format("no recorded step of scenario {} falls on {} (recorded: {} to {})", t.scenario,
                      t.date.empty() ? t.from + " to " + t.to : t.date, format_iso_date(setup.start_day),
                      format_iso_date(setup.start_day +
                                      static_cast<std::int64_t>(setup.steps) * setup.step_days - 1)));
  }
  double total = 0;
  std::int64_t n = 0;
  for (std::int64_t k = first; k <= last; ++k) {
    double v = 0;
    for (const std::size_t offset : offsets) {
      const std::size_t at = static_cast<std::size_t>(k) * series->row_length + offset;
      v += series->integer ? static_cast<double>(series->count[at]) : series->real[at];
    }
    if (std::isnan(v)) continue;  // undefined in that step (e.g. a share of nobody)
    total += v;
    ++n;
  }
  if (n == 0) target_error(spec, t, "the indicator is undefined (NaN) in every selected step");
  return total / static_cast<double>(n);
}

}  // namespace valinta
