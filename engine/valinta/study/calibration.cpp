#include "valinta/study/calibration.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "valinta/input/loader.hpp"
#include "valinta/model/indicators.hpp"
#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"
#include "valinta/study/file_reader.hpp"

namespace valinta {

namespace {

const std::vector<std::string> kTopKeys = {"scenarios",  "replications", "seed",   "set",
                                           "parameters", "targets",      "options"};
const std::vector<std::string> kTargetKeys = {"scenario", "indicator", "select", "date",  "from",
                                              "to",       "value",     "se",     "source"};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::optional<double> finite(const FileReader& in, const YAML::Node& node, const std::string& key) {
  const auto v = in.scalar<double>(node, key, "a number");
  if (v && !std::isfinite(*v)) {
    in.error(node, key, fmt::format("must be a finite number (got {})", *v));
    return std::nullopt;
  }
  return v;
}

void read_parameters(const FileReader& in, const YAML::Node& params, CalibrationSpec& spec) {
  Scenario scratch;
  ParamRegistry registry;
  declare_scenario_params(registry, scratch);
  std::set<std::string> seen;
  for (const auto& item : params) {
    const auto name = in.key(item.first, "parameters");
    if (!name) continue;
    const std::string where = "parameters." + *name;
    if (!seen.insert(*name).second) {
      in.error(item.first, where, "given twice");
      continue;
    }
    const Param* param = in.numeric_parameter(item.first, *name, where, registry, "fitted");
    if (param == nullptr) continue;
    const YAML::Node v = item.second;
    if (!v.IsMap()) {
      in.error(v, where, "must be a mapping {lower: ..., upper: ..., start: ...} (start optional)");
      continue;
    }
    in.unknown_keys(v, {"lower", "upper", "start", "transform"}, where);
    if (!v["lower"] || !v["upper"]) {
      in.error(v, where, "needs both `lower` and `upper`");
      continue;
    }
    const auto lo = finite(in, v["lower"], where + ".lower");
    const auto hi = finite(in, v["upper"], where + ".upper");
    if (!lo || !hi) continue;
    const Range& r = param->range;
    bool ok = true;
    for (const auto& [node, x, k] :
         {std::tuple{v["lower"], *lo, where + ".lower"}, std::tuple{v["upper"], *hi, where + ".upper"}})
      if (x < r.min || x > r.max || (r.min_open && x == r.min)) {
        in.error(node, k,
                 fmt::format("{} is outside what {} allows ({} {}, at most {})", x, *name,
                             r.min_open ? "above" : "at least", r.min, r.max));
        ok = false;
      }
    if (!(*lo < *hi)) {
      in.error(v["upper"], where + ".upper", fmt::format("must be greater than lower ({})", *lo));
      ok = false;
    }
    CalibrationParameter p{*name, param->kind == ParamKind::integer, *lo, *hi, 0.5 * (*lo + *hi)};
    if (const YAML::Node s = v["start"]) {
      const auto start = finite(in, s, where + ".start");
      if (start && (*start < *lo || *start > *hi)) {
        in.error(s, where + ".start", fmt::format("must be within lower and upper ({} to {})", *lo, *hi));
        ok = false;
      } else if (start) {
        p.start = *start;
      }
    }
    if (const YAML::Node n = v["transform"]) {
      const auto t = in.scalar<std::string>(n, where + ".transform", "none, log or logit");
      bool known = false;
      for (int k = 0; t && k < 3; ++k)
        if (*t == kTransformNames[k]) {
          p.transform = static_cast<Transform>(k);
          known = true;
        }
      if (t && !known)
        in.error(n, where + ".transform",
                 fmt::format("unknown transform '{}' (allowed: none, log, logit)", *t));
      if (p.transform == Transform::log && !(*lo > 0))
        in.error(n, where + ".transform", fmt::format("log needs a lower bound above 0 (got {})", *lo));
      if (p.transform == Transform::logit && !(*lo > 0 && *hi < 1))
        in.error(n, where + ".transform",
                 fmt::format("logit needs bounds strictly between 0 and 1 (got {} to {})", *lo, *hi));
      ok = ok && known && !(p.transform == Transform::log && !(*lo > 0)) &&
           !(p.transform == Transform::logit && !(*lo > 0 && *hi < 1));
    }
    if (p.integer && p.transform != Transform::none) {
      in.error(item.first, where, "an integer parameter is fitted on its own scale (no transform)");
      ok = false;
    }
    if (ok) spec.parameters.push_back(p);
  }
}

void read_target(const FileReader& in, const YAML::Node& t, std::size_t k, CalibrationSpec& spec) {
  const std::string where = fmt::format("targets[{}]", k);
  if (!t.IsMap()) {
    in.error(t, where, "must be a mapping with scenario, indicator, value, se and source");
    return;
  }
  in.unknown_keys(t, kTargetKeys, where);
  CalibrationTarget target;
  target.line = t.Mark().line + 1;
  target.column = t.Mark().column + 1;
  bool ok = true;
  const auto text = [&](const char* key, bool required) -> std::optional<std::string> {
    const YAML::Node n = t[key];
    if (!n) {
      if (required) {
        in.error(t, where + "." + key, "missing");
        ok = false;
      }
      return std::nullopt;
    }
    const auto s = in.scalar<std::string>(n, where + "." + key, "text");
    if (!s) ok = false;
    return s;
  };
  if (const auto s = text("scenario", true)) {
    target.scenario = *s;
    std::vector<std::string> names;
    for (const auto& [name, path] : spec.scenarios) names.push_back(name);
    if (std::find(names.begin(), names.end(), *s) == names.end()) {
      in.error(t["scenario"], where + ".scenario",
               fmt::format("no such scenario (given: {})", joined(names)));
      ok = false;
    }
  }
  std::vector<std::string> dims;
  if (const auto s = text("indicator", true)) {
    target.indicator = *s;
    std::vector<std::string> names;
    for (const IndicatorInfo& i : summary_indicators()) names.push_back(i.name);
    target.summary = std::find(names.begin(), names.end(), *s) != names.end();
    const auto& catalogue = indicators();
    const auto found =
        std::find_if(catalogue.begin(), catalogue.end(), [&](const Indicator& i) { return i.name == *s; });
    for (const Indicator& i : catalogue) names.push_back(i.name);
    if (!target.summary && found == catalogue.end()) {
      const std::string guess = did_you_mean(*s, names);
      in.error(t["indicator"], where + ".indicator",
               "not a summary item or recorded indicator" + (guess.empty()
                                                                 ? std::string(" (see docs/output-format.md)")
                                                                 : "; did you mean '" + guess + "'?"));
      ok = false;
    } else if (!target.summary) {
      dims = found->dims;
      target.count = found->kind == Indicator::Kind::count;
    }
  }
  // One label of each dimension of the indicator.
  const YAML::Node select = t["select"];
  if (select && !select.IsMap()) {
    in.error(select, where + ".select", "must be a mapping of dimension: label");
    ok = false;
  } else if (select) {
    for (const auto& item : select) {
      const auto dim = in.key(item.first, where + ".select");
      if (!dim) continue;
      if (std::find(dims.begin(), dims.end(), *dim) == dims.end()) {
        in.error(item.first, where + ".select." + *dim,
                 dims.empty()
                     ? fmt::format("{} has no dimensions to select", target.indicator)
                     : fmt::format("not a dimension of {} (it has: {})", target.indicator, joined(dims)));
        ok = false;
      }
    }
  }
  for (const std::string& dim : dims) {
    // (A `select` that is not a mapping was reported above; its labels are then missing.)
    const bool mapping = select && select.IsMap();
    const YAML::Node label = mapping ? select[dim] : YAML::Node(YAML::NodeType::Undefined);
    if (!mapping || !label) {
      const auto labels = dimension_labels(dim);
      in.error(select ? select : t, where + ".select." + dim,
               fmt::format("missing: one {} of {}{}", dim, target.indicator,
                           labels ? " (" + joined(*labels) + ")" : std::string()));
      ok = false;
      continue;
    }
    const auto s = in.scalar<std::string>(label, where + ".select." + dim, "a label");
    if (!s) {
      ok = false;
      continue;
    }
    if (dim == "zone" && *s == "pilot_area" && !target.count) {
      in.error(
          label, where + ".select.zone",
          fmt::format("pilot_area sums over the pilot's zones, which only a count can be ({} is not one)",
                      target.indicator));
      ok = false;
    }
    const auto labels = dimension_labels(dim);
    if (labels && std::find(labels->begin(), labels->end(), *s) == labels->end()) {
      in.error(label, where + ".select." + dim,
               fmt::format("unknown {} '{}' (allowed: {})", dim, *s, joined(*labels)));
      ok = false;
    }
    target.select.emplace_back(dim, *s);
  }
  // When: one date, or a window; a summary item covers the whole run.
  for (const char* key : {"date", "from", "to"}) {
    const YAML::Node n = t[key];
    if (!n) continue;
    std::int64_t day = 0;
    const auto s = in.scalar<std::string>(n, where + "." + key, "an ISO date (YYYY-MM-DD)");
    if (!s) {
      ok = false;
    } else if (target.summary) {
      in.error(n, where + "." + key, "a summary item covers the whole run: remove it");
      ok = false;
    } else if (!parse_iso_date(*s, day)) {
      in.error(n, where + "." + key, fmt::format("must be an ISO date YYYY-MM-DD (got '{}')", *s));
      ok = false;
    } else {
      (std::string(key) == "date" ? target.date : std::string(key) == "from" ? target.from : target.to) = *s;
    }
  }
  if (!target.date.empty() && (!target.from.empty() || !target.to.empty())) {
    in.error(t["date"], where + ".date", "give either `date` or a window `from`/`to`, not both");
    ok = false;
  }
  if (target.from.empty() != target.to.empty()) {
    in.error(t, where, "a window needs both `from` and `to`");
    ok = false;
  } else if (!target.from.empty() && target.to < target.from) {
    in.error(t["to"], where + ".to", fmt::format("must not be before `from` ({})", target.from));
    ok = false;
  }
  for (const char* key : {"value", "se"}) {
    if (!t[key]) {
      in.error(t, where + "." + key,
               std::string(key) == "se" ? "missing: the standard error of the real value (or a tolerance)"
                                        : "missing: the real value");
      ok = false;
      continue;
    }
    const auto v = finite(in, t[key], where + "." + key);
    if (!v) {
      ok = false;
    } else if (std::string(key) == "se" && !(*v > 0)) {
      in.error(t[key], where + ".se", fmt::format("must be above 0 (got {})", *v));
      ok = false;
    } else {
      (std::string(key) == "se" ? target.se : target.value) = *v;
    }
  }
  if (const auto s = text("source", true)) target.source = *s;
  if (ok) spec.targets.push_back(std::move(target));
}

}  // namespace

CalibrationSpec load_calibration(const std::filesystem::path& file) {
  Diagnostics diagnostics;
  CalibrationSpec spec;
  spec.file = file;
  const YAML::Node root = FileReader::read_mapping(
      file, diagnostics, "a calibration must be a mapping with scenarios, parameters and targets");
  const FileReader in{file.string(), diagnostics};
  in.unknown_keys(root, kTopKeys, "");
  if (const YAML::Node n = root["replications"])
    if (const auto v = in.count(n, "replications", 1000)) spec.replications = *v;
  if (const YAML::Node n = root["seed"])
    if (const auto v = in.scalar<std::uint32_t>(n, "seed", "a whole number from 0 to 4294967295"))
      spec.seed = *v;
  if (const YAML::Node n = root["set"]) in.overrides(n, spec.sets);
  if (const YAML::Node n = root["options"]) {
    if (!n.IsMap()) {
      in.error(n, "options", "must be a mapping (max_evaluations, difference_step)");
    } else {
      in.unknown_keys(n, {"max_evaluations", "difference_step"}, "options");
      if (const YAML::Node m = n["max_evaluations"])
        if (const auto v = in.count(m, "options.max_evaluations", 100000))
          spec.options.max_evaluations = static_cast<int>(*v);
      if (const YAML::Node m = n["difference_step"])
        if (const auto v = finite(in, m, "options.difference_step")) {
          if (*v > 0 && *v <= 0.5)
            spec.options.difference_step = *v;
          else
            in.error(m, "options.difference_step",
                     fmt::format("must be above 0 and at most 0.5 (got {})", *v));
        }
    }
  }
  // The scenarios, each loaded once to check it (with the fixed overrides).
  const YAML::Node scenarios = root["scenarios"];
  if (!scenarios || !scenarios.IsMap() || scenarios.size() == 0) {
    if (scenarios)
      in.error(scenarios, "scenarios", "must be a mapping of name: scenario file");
    else
      diagnostics.error(file.string(), 1, 1, "scenarios", "missing: the scenarios to calibrate (name: file)");
  } else {
    for (const auto& item : scenarios) {
      const auto name = in.key(item.first, "scenarios");
      if (!name) continue;
      const auto path =
          in.scalar<std::string>(item.second, "scenarios." + *name, "the path of a scenario file");
      if (!path) continue;
      const std::filesystem::path resolved = std::filesystem::path(*path).is_absolute()
                                                 ? std::filesystem::path(*path)
                                                 : file.parent_path() / *path;
      try {
        (void)load_scenario(resolved, spec.sets);
        spec.scenarios.emplace_back(*name, resolved);
      } catch (const ScenarioError& e) {
        for (const Diagnostic& d : e.diagnostics().list())
          diagnostics.error(d.file, d.line, d.column, d.key, d.message);
      }
    }
  }
  const YAML::Node params = root["parameters"];
  if (!params || !params.IsMap() || params.size() == 0) {
    if (params)
      in.error(params, "parameters", "must be a mapping of parameter: {lower, upper, start}");
    else
      diagnostics.error(file.string(), 1, 1, "parameters", "missing: the parameters to fit");
  } else {
    read_parameters(in, params, spec);
  }
  const YAML::Node targets = root["targets"];
  if (!targets || !targets.IsSequence() || targets.size() == 0) {
    if (targets)
      in.error(targets, "targets", "must be a list of targets (scenario, indicator, value, se, source)");
    else
      diagnostics.error(file.string(), 1, 1, "targets", "missing: the real values to fit to");
  } else {
    for (std::size_t k = 0; k < targets.size(); ++k) read_target(in, targets[k], k, spec);
  }
  if (diagnostics.empty() && spec.targets.size() < spec.parameters.size())
    in.error(targets, "targets",
             fmt::format("{} targets cannot identify {} parameters: give at least as many targets",
                         spec.targets.size(), spec.parameters.size()));
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));
  return spec;
}

std::vector<std::string> calibration_overrides(const CalibrationSpec& spec, const Eigen::VectorXd& theta) {
  std::vector<std::string> sets = spec.sets;
  for (std::size_t d = 0; d < spec.parameters.size(); ++d) {
    const double v = theta[static_cast<Eigen::Index>(d)];
    sets.push_back(spec.parameters[d].integer ? fmt::format("{}={}", spec.parameters[d].key,
                                                            static_cast<std::int64_t>(std::llround(v)))
                                              : fmt::format("{}={:.17g}", spec.parameters[d].key, v));
  }
  return sets;
}

double to_search(const CalibrationParameter& p, double value) {
  switch (p.transform) {
    case Transform::log:
      return std::log(value);
    case Transform::logit:
      return std::log(value / (1 - value));
    case Transform::none:
      break;
  }
  return value;
}

double from_search(const CalibrationParameter& p, double search) {
  switch (p.transform) {
    case Transform::log:
      return std::exp(search);
    case Transform::logit:
      return 1 / (1 + std::exp(-search));
    case Transform::none:
      break;
  }
  return search;
}

double value_per_search(const CalibrationParameter& p, double search) {
  const double v = from_search(p, search);
  switch (p.transform) {
    case Transform::log:
      return v;
    case Transform::logit:
      return v * (1 - v);
    case Transform::none:
      break;
  }
  return 1;
}

NaturalFit natural_fit(const CalibrationSpec& spec, const msm::Fit& fit) {
  const auto k = fit.theta.size();
  NaturalFit n;
  n.theta.resize(k);
  n.ci_low.resize(k);
  n.ci_high.resize(k);
  Eigen::VectorXd slope(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const CalibrationParameter& p = spec.parameters[static_cast<std::size_t>(j)];
    const double phi = fit.theta[j], se = fit.standard_errors[j];
    n.theta[j] = from_search(p, phi);
    slope[j] = value_per_search(p, phi);
    n.ci_low[j] = from_search(p, phi - 1.96 * se);  // NaN stays NaN
    n.ci_high[j] = from_search(p, phi + 1.96 * se);
  }
  n.covariance = slope.asDiagonal() * fit.covariance * slope.asDiagonal();
  n.standard_errors = (slope.array().abs() * fit.standard_errors.array()).matrix();
  n.jacobian = fit.jacobian * slope.cwiseInverse().asDiagonal();
  return n;
}

std::string calibration_fingerprint(const CalibrationSpec& spec) {
  std::string out = fmt::format("replications {}; seed {}; set", spec.replications,
                                spec.seed ? std::to_string(*spec.seed) : std::string("each scenario's"));
  for (const auto& s : spec.sets) out += " " + s;
  for (const auto& [name, path] : spec.scenarios)
    out += fmt::format("; scenario {} = {}", name, path.string());
  for (const auto& p : spec.parameters)
    out += fmt::format("; parameter {} in [{:.17g}, {:.17g}] from {:.17g} on scale {}", p.key, p.lower,
                       p.upper, p.start, kTransformNames[static_cast<int>(p.transform)]);
  for (const auto& t : spec.targets) {
    out += fmt::format("; target {} {}", t.scenario, t.indicator);
    for (const auto& [dim, label] : t.select) out += " " + dim + "=" + label;
    out += fmt::format(" {}{}{} = {:.17g} +- {:.17g}", t.date, t.from, t.to.empty() ? "" : ".." + t.to,
                       t.value, t.se);
  }
  return out;
}

}  // namespace valinta
