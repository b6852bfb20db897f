#include "valinta/study/sweep.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <numeric>
#include <set>

#include "valinta/input/loader.hpp"
#include "valinta/scenario/params.hpp"
#include "valinta/scenario/yaml_values.hpp"
#include "valinta/study/file_reader.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {

namespace {

constexpr std::int64_t kMaxRuns = 1'000'000;
const std::vector<std::string> kTopKeys = {"scenario", "design", "points",    "replications",
                                           "seed",     "set",    "parameters"};

// Checks one entry of `parameters:` against the scenario format and the design.
void read_parameter(const FileReader& in, const YAML::Node& key_node, const YAML::Node& value,
                    const ParamRegistry& registry, bool design_known, SweepSpec& spec) {
  SweepParameter p;
  p.key = key_node.as<std::string>();
  const std::string where = "parameters." + p.key;
  const Param* param = in.numeric_parameter(key_node, p.key, where, registry, "swept");
  if (param == nullptr) return;
  p.integer = param->kind == ParamKind::integer;
  if (!design_known) return;  // what the entry should hold depends on the design
  if (!value.IsMap()) {
    in.error(value, where,
             spec.design == SweepDesign::grid ? "must be a mapping {values: [...]}"
                                              : "must be a mapping {min: ..., max: ...}");
    return;
  }
  for (const auto& item : value) {
    const auto name = in.key(item.first, where);
    if (!name) continue;
    const std::string& k = *name;
    const bool grid = spec.design == SweepDesign::grid;
    if (grid ? k != "values" : (k != "min" && k != "max")) {
      in.error(item.first, where + "." + k,
               grid ? "unknown key (a grid takes `values`)"
                    : fmt::format("unknown key (a {} design takes `min` and `max`)",
                                  kSweepDesignNames[static_cast<int>(spec.design)]));
    }
  }
  auto in_range = [&](const YAML::Node& node, double v, const std::string& key) {
    const Range& r = param->range;
    if (!std::isfinite(v))
      in.error(node, key, fmt::format("must be a finite number (got {})", v));
    else if (v < r.min || v > r.max || (r.min_open && v == r.min))
      in.error(node, key,
               fmt::format("{} is outside what {} allows ({} {}, at most {})", v, p.key,
                           r.min_open ? "above" : "at least", r.min, r.max));
  };
  if (spec.design == SweepDesign::grid) {
    const YAML::Node values = value["values"];
    if (!values || !values.IsSequence() || values.size() == 0) {
      in.error(values ? values : value, where + ".values", "must be a non-empty list of numbers");
      return;
    }
    for (const auto& v : values)
      if (const auto x = in.scalar<double>(v, where + ".values", "a number")) {
        if (p.integer && *x != std::round(*x)) in.error(v, where + ".values", "must be a whole number");
        in_range(v, *x, where + ".values");
        p.values.push_back(*x);
      }
  } else {
    const YAML::Node lo = value["min"], hi = value["max"];
    if (!lo || !hi) {
      in.error(value, where, "needs both `min` and `max`");
      return;
    }
    const auto a = in.scalar<double>(lo, where + ".min", "a number");
    const auto b = in.scalar<double>(hi, where + ".max", "a number");
    if (!a || !b) return;
    if (!(*a < *b)) in.error(hi, where + ".max", fmt::format("must be greater than min ({})", *a));
    in_range(lo, *a, where + ".min");
    in_range(hi, *b, where + ".max");
    p.min = *a;
    p.max = *b;
  }
  spec.parameters.push_back(std::move(p));
}

}  // namespace

SweepSpec load_sweep(const std::filesystem::path& file) {
  Diagnostics diagnostics;
  SweepSpec spec;
  spec.file = file;
  const YAML::Node root = FileReader::read_mapping(
      file, diagnostics, "a sweep must be a mapping with scenario, design and parameters");
  const FileReader in{file.string(), diagnostics};
  in.unknown_keys(root, kTopKeys, "");
  if (const YAML::Node n = root["scenario"]) {
    if (const auto s = in.scalar<std::string>(n, "scenario", "the path of the base scenario file"))
      spec.scenario =
          std::filesystem::path(*s).is_absolute() ? std::filesystem::path(*s) : file.parent_path() / *s;
  } else {
    diagnostics.error(file.string(), 1, 1, "scenario", "missing: the base scenario file to sweep over");
  }
  bool found = false;  // a known design: the parameters and points can be checked against it
  if (const YAML::Node n = root["design"]) {
    const auto d = in.scalar<std::string>(n, "design", "one of grid, latin_hypercube, sobol");
    for (int k = 0; k < 3; ++k)
      if (d && *d == kSweepDesignNames[k]) {
        spec.design = static_cast<SweepDesign>(k);
        found = true;
      }
    if (d && !found)
      in.error(n, "design", fmt::format("unknown design '{}' (allowed: grid, latin_hypercube, sobol)", *d));
  } else {
    diagnostics.error(file.string(), 1, 1, "design", "missing: one of grid, latin_hypercube, sobol");
  }
  if (const YAML::Node n = root["replications"])
    if (const auto v = in.count(n, "replications", 10000)) spec.replications = *v;
  if (const YAML::Node n = root["seed"])
    if (const auto v = in.scalar<std::uint32_t>(n, "seed", "a whole number from 0 to 4294967295"))
      spec.seed = *v;
  if (const YAML::Node n = root["set"]) in.overrides(n, spec.sets);
  const YAML::Node points = root["points"];
  if (!found) {
  } else if (spec.design != SweepDesign::grid) {
    if (!points)
      diagnostics.error(file.string(), 1, 1, "points", "missing: the number of design points");
    else if (const auto v = in.count(points, "points", kMaxRuns))
      spec.points = *v;
  } else if (points) {
    in.error(points, "points", "a grid runs every combination of the values; remove `points`");
  }

  Scenario scratch;
  ParamRegistry registry;
  declare_scenario_params(registry, scratch);
  const YAML::Node params = root["parameters"];
  if (!params || !params.IsMap() || params.size() == 0) {
    if (params)
      in.error(params, "parameters", "must be a mapping of parameter: {range or values}");
    else
      diagnostics.error(file.string(), 1, 1, "parameters", "missing: the parameters to vary");
  } else if (params.size() > 64) {
    in.error(params, "parameters", fmt::format("at most 64 parameters (got {})", params.size()));
  } else {
    std::set<std::string> seen;
    for (const auto& item : params) {
      const auto name = in.key(item.first, "parameters");
      if (!name) continue;
      if (!seen.insert(*name).second)
        in.error(item.first, "parameters", "given twice");
      else
        read_parameter(in, item.first, item.second, registry, found, spec);
    }
  }
  if (spec.design == SweepDesign::grid && diagnostics.empty()) {
    double product = 1;
    for (const auto& p : spec.parameters) product *= static_cast<double>(p.values.size());
    if (product > static_cast<double>(kMaxRuns))
      in.error(params, "parameters",
               fmt::format("the grid has {:.0f} points; at most {}", product, kMaxRuns));
    else
      spec.points = static_cast<std::int64_t>(product);
  }
  if (diagnostics.empty() &&
      static_cast<double>(spec.points) * static_cast<double>(spec.replications) > kMaxRuns)
    in.error(root, "replications",
             fmt::format("{} points x {} replications is more than {} runs", spec.points, spec.replications,
                         kMaxRuns));
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));
  return spec;
}

std::vector<std::vector<double>> design_points(const SweepSpec& spec, std::uint64_t seed) {
  const std::size_t D = spec.parameters.size();
  const auto n = static_cast<std::size_t>(spec.points);
  std::vector<std::vector<double>> out(n, std::vector<double>(D));
  auto scale = [&](std::size_t d, double u) {
    const SweepParameter& p = spec.parameters[d];
    const double v = p.min + u * (p.max - p.min);
    return p.integer ? std::round(v) : v;
  };
  switch (spec.design) {
    case SweepDesign::grid: {
      // Every combination; the last parameter varies fastest.
      for (std::size_t k = 0; k < n; ++k) {
        std::size_t rest = k;
        for (std::size_t d = D; d-- > 0;) {
          const auto& values = spec.parameters[d].values;
          out[k][d] = values[rest % values.size()];
          rest /= values.size();
        }
      }
      break;
    }
    case SweepDesign::latin_hypercube: {
      // Each parameter's range cut into n equal strata; each stratum used once, in an order drawn
      // per parameter, at a uniform position within the stratum.
      const CounterRng rng(seed, 0);
      for (std::size_t d = 0; d < D; ++d) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        for (std::size_t k = n; k-- > 1;) {  // Fisher-Yates
          const double u = rng.uniforms(Stream::design, d, static_cast<std::uint32_t>(k), 0)[0];
          std::swap(order[k], order[static_cast<std::size_t>(u * static_cast<double>(k + 1))]);
        }
        for (std::size_t k = 0; k < n; ++k) {
          const double u = rng.uniforms(Stream::design, d, static_cast<std::uint32_t>(k), 1)[0];
          out[k][d] = scale(d, (static_cast<double>(order[k]) + u) / static_cast<double>(n));
        }
      }
      break;
    }
    case SweepDesign::sobol: {
      // Boost's Sobol sequence; the first point (all zeros, a corner of the box) is skipped.
      boost::random::sobol sequence(D);
      sequence.discard(D);
      boost::random::uniform_01<double> unit;
      for (std::size_t k = 0; k < n; ++k)
        for (std::size_t d = 0; d < D; ++d) out[k][d] = scale(d, unit(sequence));
      break;
    }
  }
  return out;
}

std::vector<std::string> point_overrides(const SweepSpec& spec, const std::vector<double>& point) {
  std::vector<std::string> sets = spec.sets;
  for (std::size_t d = 0; d < spec.parameters.size(); ++d)
    sets.push_back(spec.parameters[d].integer
                       ? fmt::format("{}={}", spec.parameters[d].key, static_cast<std::int64_t>(point[d]))
                       : fmt::format("{}={}", spec.parameters[d].key, point[d]));
  return sets;
}

}  // namespace valinta
