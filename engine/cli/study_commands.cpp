#include "study_commands.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "common.hpp"
#include "progress.hpp"
#include "valinta/input/loader.hpp"
#include "valinta/output/h5_file.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/study/calibration.hpp"
#include "valinta/study/ensemble_file.hpp"
#include "valinta/util/target_file.hpp"
#include "valinta/version.hpp"

namespace valinta::cli {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

bool root() { return parallel::Comm::world().root(); }

// A scenario or sweep error, printed once.
int bad_input(const ScenarioError& e) {
  if (root()) fmt::print(stderr, "{}\n", e.what());
  return kExitBadInput;
}

// What the commands of many runs share: the output file (opened by rank 0 before any run), one
// progress over all runs, the phase profile summed over them, stopping every rank on SIGINT or
// SIGTERM, and the report at the end. Runs are numbered 0, 1, ... in the order they execute.
class Batch {
 public:
  Batch(const StudyArgs& args, std::int64_t runs, std::int64_t steps_per_run)
      : args_(args),
        runs_(runs),
        steps_(steps_per_run),
        progress_(Progress::detect(args.quiet || !root()), runs * steps_per_run, 0) {}

  // 0, or the exit code every rank agrees on when the file cannot be opened. The file may be none
  // of the batch's `inputs`.
  int open(const fs::path& out, const std::vector<fs::path>& inputs) {
    out_ = out;
    return open_output(file_, out, args_.overwrite, inputs);
  }
  // Prints the first line of the command's output (rank 0, unless quiet).
  void announce(const std::string& text) const {
    if (!args_.quiet && root()) fmt::print("valinta {}: {}\n", kVersion, text);
  }
  // Runs run k of the batch; throws RunsStopped when a signal stops the batch.
  RunRecord run(std::int64_t k, const std::string& label, const Scenario& scenario, const RunOptions& options,
                bool keep_setup) {
    progress_.label(label);
    RunHooks hooks;
    hooks.after_step = [this, k](const Simulation& sim) { progress_.update(steps_ * k + sim.t); };
    hooks.stop_requested = [] { return stop_signal(parallel::Comm::world()); };
    RunRecord record = run_and_record(scenario, options, keep_setup, hooks);
    if (record.ok && !measured_) {
      // The plan made before the first run estimated what each run keeps; now it is known.
      measured_ = true;
      if (!fits_in_memory(scenario, args_.threads, runs_, kept_bytes(record))) throw TooLarge{};
    }
    if (record.ok) {
      progress_.residents(record.summary.residents);
      for (int p = 0; p < kPhaseCount; ++p)
        profile_[static_cast<std::size_t>(p)] += record.phase_seconds[static_cast<std::size_t>(p)];
      setup_seconds_ += record.setup_seconds;
    }
    progress_.update(steps_ * (k + 1));
    return record;
  }
  // Run k ended without running (its scenario could not be made).
  void skipped(std::int64_t k) { progress_.update(steps_ * (k + 1)); }
  // A message about one run, printed once and not over the progress bar.
  void report_failure(const std::string& message) {
    progress_.finish();
    if (root()) fmt::print(stderr, "{}{}", message, message.ends_with('\n') ? "" : "\n");
  }
  // The batch would not fit in memory (the message is printed): bad input, nothing written.
  struct TooLarge {};
  int too_large() {
    progress_.finish();
    return kExitBadInput;
  }
  int stopped(const RunsStopped& s) {
    progress_.finish();
    if (root())
      fmt::print(stderr, "valinta: stopped by {}; no results file was written\n", signal_name(s.signal));
    return 128 + s.signal;
  }
  // After the last run: true on rank 0, which then writes file() and calls commit().
  bool end() {
    progress_.finish();
    default_stop_signals();
    return root();
  }
  RunInfo info(std::uint64_t seed) const {
    const int threads = args_.threads > 0 ? args_.threads : Simulation::default_threads();
    return {args_.command_line, seed, threads, parallel::Comm::world().size(), threads};
  }
  output::H5File& file() { return *file_; }
  // Commits the file; prints `text`, then the profile, the time taken and the path of the file.
  void commit(const std::string& text) {
    file_->commit();
    fmt::print("{}", text);
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    if (args_.profile) fmt::print("{}", format_profile(profile_, setup_seconds_, seconds));
    if (!args_.quiet)
      fmt::print("finished in {}\nresults: {}\n", format_duration(seconds), out_.string());
    else
      fmt::print("{}\n", out_.string());
  }

 private:
  const StudyArgs& args_;
  std::int64_t runs_;
  std::int64_t steps_;
  bool measured_ = false;
  Progress progress_;
  fs::path out_;
  std::optional<output::H5File> file_;
  std::array<double, kPhaseCount> profile_{};
  double setup_seconds_ = 0;
  Clock::time_point start_ = Clock::now();
};

// The output path: as given, or a default name; only rank 0 names one.
fs::path output_path(const StudyArgs& args, const std::string& default_name) {
  if (!root()) return {};
  return args.output.empty() ? default_output(default_name) : fs::path(args.output);
}

// Errors after the file is open (writing it, mostly).
int failure(const std::exception& e) {
  if (root()) fmt::print(stderr, "error: {}\n", e.what());
  return kExitFailure;
}

// A name usable as a label and an HDF5 group name, unique among `taken`.
std::string unique_label(const std::string& name, std::map<std::string, int>& taken) {
  std::string label;
  for (const char c : name) label += c == '/' || c == '.' || c == ' ' ? '_' : c;
  if (label.empty()) label = "scenario";
  const int n = ++taken[label];
  return n == 1 ? label : fmt::format("{}-{}", label, n);
}

// Why `b` cannot be compared with the baseline `a` run for run ("" if it can): paired differences
// need the same residents (zones and scale) and the same random numbers (one seed).
std::string not_comparable(const Scenario& a, const Scenario& b, bool seed_given) {
  const auto residents = [](const Scenario& s) {
    std::int64_t n = 0;
    for (const ZoneSpec& z : s.zones)
      n += std::llround(static_cast<double>(z.population) * s.population.scale);
    return n;
  };
  bool same_zones = a.zones.size() == b.zones.size() && a.population.scale == b.population.scale;
  for (std::size_t k = 0; same_zones && k < a.zones.size(); ++k)
    same_zones = a.zones[k].name == b.zones[k].name && a.zones[k].population == b.zones[k].population &&
                 a.zones[k].region == b.zones[k].region;
  if (!same_zones)
    return fmt::format(
        "'{}' simulates other residents than the baseline '{}' ({} residents in {} zones at population.scale "
        "{} "
        "against {} in {} zones at {}); compare pairs the scenarios' runs resident by resident, so they must "
        "share the zones (names, populations and the regions of the service package) and population.scale: "
        "compare rule sets on one region, and regions with separate runs",
        b.name, a.name, residents(b), b.zones.size(), b.population.scale, residents(a), a.zones.size(),
        a.population.scale);
  if (!seed_given && a.seed != b.seed)
    return fmt::format(
        "'{}' sets seed {} but the baseline '{}' has seed {}; compare gives every scenario the same random "
        "numbers "
        "(common random numbers: replication r uses one seed in all), so the seeds must agree: make them "
        "equal, "
        "or choose one for all with --seed",
        b.name, b.seed, a.name, a.seed);
  return {};
}

}  // namespace

int run_replications(const StudyArgs& args) {
  catch_stop_signals();
  Scenario scenario;
  try {
    scenario = load_scenario(
        args.scenarios.empty() ? default_scenario_path() : fs::path(args.scenarios.front()), args.sets);
  } catch (const ScenarioError& e) {
    return bad_input(e);
  }
  const int R = args.replications;
  if (!fits_in_memory(scenario, args.threads, R)) return kExitBadInput;
  const std::uint64_t seed = args.seed ? *args.seed : static_cast<std::uint64_t>(scenario.seed);
  Batch batch(args, R, scenario.total_steps());
  if (const int code = batch.open(output_path(args, scenario.name + "-replications"), scenario.inputs))
    return code;
  try {
    batch.announce(fmt::format("scenario '{}', {} replications of {} steps, seed {}", scenario.name, R,
                               scenario.time.steps, seed));
    std::vector<RunRecord> runs;
    try {
      for (int r = 0; r < R; ++r) {
        const RunOptions options{seed, static_cast<std::uint32_t>(r), args.threads};
        runs.push_back(batch.run(r, fmt::format("replication {}/{}", r + 1, R), scenario, options, r == 0));
        if (!runs.back().ok) {
          batch.report_failure(fmt::format("error: replication {} failed: {}", r, runs.back().error));
          return kExitFailure;
        }
      }
    } catch (const RunsStopped& s) {
      return batch.stopped(s);
    } catch (const Batch::TooLarge&) {
      return batch.too_large();
    }
    if (!batch.end()) return 0;
    write_replications(batch.file(), scenario, batch.info(seed), runs);
    batch.commit(args.quiet ? "" : format_replications(runs));
    return 0;
  } catch (const std::exception& e) {
    return failure(e);
  }
}

int compare(const StudyArgs& args) {
  catch_stop_signals();
  std::vector<ComparedScenario> scenarios;
  std::map<std::string, int> taken;
  for (const auto& path : args.scenarios) {
    try {
      ComparedScenario c;
      c.scenario = load_scenario(path, args.sets);
      c.label = unique_label(c.scenario.name, taken);
      scenarios.push_back(std::move(c));
    } catch (const ScenarioError& e) {
      return bad_input(e);
    }
  }
  const Scenario& base = scenarios.front().scenario;
  for (const auto& c : scenarios) {
    if (c.scenario.time.steps != base.time.steps || c.scenario.time.step_days != base.time.step_days ||
        c.scenario.time.start_date != base.time.start_date) {
      if (root())
        fmt::print(stderr,
                   "error: {}: the scenarios compared must share one time axis, but '{}' runs {} steps of {} "
                   "days from {} "
                   "and '{}' runs {} steps of {} days from {}; set time.steps, time.step_days and "
                   "time.start_date alike "
                   "(e.g. with --set)\n",
                   c.scenario.source.string(), base.name, base.time.steps, base.time.step_days,
                   base.time.start_date, c.scenario.name, c.scenario.time.steps, c.scenario.time.step_days,
                   c.scenario.time.start_date);
      return kExitBadInput;
    }
    if (const std::string why = not_comparable(base, c.scenario, args.seed.has_value()); !why.empty()) {
      if (root()) fmt::print(stderr, "error: {}: {}\n", c.scenario.source.string(), why);
      return kExitBadInput;
    }
    if (!fits_in_memory(
            c.scenario, args.threads,
            static_cast<std::int64_t>(args.replications) * static_cast<std::int64_t>(scenarios.size())))
      return kExitBadInput;
  }
  const std::uint64_t seed = args.seed ? *args.seed : static_cast<std::uint64_t>(base.seed);
  const int R = args.replications;
  const auto S = static_cast<std::int64_t>(scenarios.size());
  Batch batch(args, R * S, base.total_steps());
  std::vector<fs::path> inputs;
  for (const auto& c : scenarios)
    inputs.insert(inputs.end(), c.scenario.inputs.begin(), c.scenario.inputs.end());
  if (const int code = batch.open(output_path(args, "comparison"), inputs)) return code;
  try {
    batch.announce(fmt::format(
        "comparing {} scenarios, {} replications each with common random numbers, seed {}", S, R, seed));
    try {
      // Replication by replication, every scenario: an interrupted comparison has lost the least.
      for (int r = 0; r < R; ++r)
        for (std::int64_t k = 0; k < S; ++k) {
          ComparedScenario& c = scenarios[static_cast<std::size_t>(k)];
          const RunOptions options{seed, static_cast<std::uint32_t>(r), args.threads};
          c.runs.push_back(batch.run(r * S + k, fmt::format("{}, replication {}/{}", c.label, r + 1, R),
                                     c.scenario, options, r == 0));
          if (!c.runs.back().ok) {
            batch.report_failure(fmt::format("error: scenario '{}', replication {} failed: {}", c.label, r,
                                             c.runs.back().error));
            return kExitFailure;
          }
        }
    } catch (const RunsStopped& s) {
      return batch.stopped(s);
    } catch (const Batch::TooLarge&) {
      return batch.too_large();
    }
    if (!batch.end()) return 0;
    write_comparison(batch.file(), scenarios, batch.info(seed));
    batch.commit(format_comparison(scenarios, args.by_region));
    return 0;
  } catch (const std::exception& e) {
    return failure(e);
  }
}

int sweep(const StudyArgs& args) {
  catch_stop_signals();
  SweepSpec spec;
  Scenario base;
  std::string sweep_text;
  try {
    spec = load_sweep(args.scenarios.front());
    spec.sets.insert(spec.sets.end(), args.sets.begin(), args.sets.end());
    base = load_scenario(spec.scenario, spec.sets);
    Diagnostics unused;
    sweep_text = read_input_file(spec.file, unused);
  } catch (const ScenarioError& e) {
    return bad_input(e);
  }
  const std::uint64_t seed = args.seed   ? *args.seed
                             : spec.seed ? *spec.seed
                                         : static_cast<std::uint64_t>(base.seed);
  const auto R = spec.replications;
  if (!fits_in_memory(base, args.threads, spec.points * R)) return kExitBadInput;
  const auto points = design_points(spec, seed);
  const auto N = static_cast<std::int64_t>(points.size()) * R;
  Batch batch(args, N, base.total_steps());
  std::vector<fs::path> inputs = base.inputs;
  inputs.push_back(spec.file);
  if (const int code = batch.open(output_path(args, "sweep"), inputs)) return code;
  try {
    batch.announce(fmt::format("sweep '{}', {} design with {} points x {} replications = {} runs, seed {}",
                               spec.file.string(), kSweepDesignNames[static_cast<int>(spec.design)],
                               points.size(), R, N, seed));
    std::vector<SweepRun> runs;
    bool have_setup = false;
    try {
      for (std::int64_t k = 0; k < N; ++k) {
        SweepRun run{k / R, k % R, {}};
        try {
          const auto& point = points[static_cast<std::size_t>(run.point)];
          const Scenario scenario = load_scenario(spec.scenario, point_overrides(spec, point));
          const RunOptions options{seed, static_cast<std::uint32_t>(run.replication), args.threads};
          run.record = batch.run(k, fmt::format("run {}/{}", k + 1, N), scenario, options, !have_setup);
        } catch (const ScenarioError& e) {
          run.record.ok = false;
          run.record.error = e.what();
          batch.skipped(k);
        }
        have_setup = have_setup || run.record.setup.has_value();
        if (!run.record.ok)
          batch.report_failure(fmt::format("valinta: run {} (point {}, replication {}) failed: {}", k,
                                           run.point, run.replication, run.record.error));
        runs.push_back(std::move(run));
      }
    } catch (const RunsStopped& s) {
      return batch.stopped(s);
    } catch (const Batch::TooLarge&) {
      return batch.too_large();
    }
    std::int64_t failed = 0;
    for (const auto& r : runs) failed += r.record.ok ? 0 : 1;
    const int code = failed == N ? kExitFailure : 0;
    if (!batch.end()) return code;
    write_sweep(batch.file(), spec, base, batch.info(seed), points, runs, sweep_text);
    if (failed > 0)
      fmt::print(
          stderr,
          "valinta: warning: {} of {} runs failed (run_ok and run_error in the file say which and why)\n",
          failed, N);
    batch.commit(failed == 0 && !args.quiet ? fmt::format("all {} runs finished\n", N) : "");
    return code;
  } catch (const std::exception& e) {
    return failure(e);
  }
}

namespace {

// The calibrated scenario of `base_path`: `extends:` the base (relative to the file's own folder)
// and sets only the fitted values, nested by the parts of their keys.
std::string calibrated_yaml(const CalibrationSpec& spec, const fs::path& yaml_path, const fs::path& base_path,
                            const Eigen::VectorXd& theta) {
  std::string out = fmt::format(
      "# Calibrated by `valinta calibrate {}`: the base scenario with the fitted values.\n"
      "extends: {}\n",
      spec.file.filename().string(),
      fs::relative(fs::absolute(base_path), fs::absolute(yaml_path).parent_path()).generic_string());
  std::vector<std::string> open;  // the mapping keys written so far, as a path
  std::vector<std::pair<std::string, std::size_t>> order;
  for (std::size_t d = 0; d < spec.parameters.size(); ++d) order.emplace_back(spec.parameters[d].key, d);
  std::sort(order.begin(), order.end());
  for (const auto& [key, d] : order) {
    std::vector<std::string> parts;
    for (std::size_t at = 0, dot = 0; dot != std::string::npos; at = dot + 1) {
      dot = key.find('.', at);
      parts.push_back(key.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
    }
    std::size_t same = 0;
    while (same < open.size() && same + 1 < parts.size() && open[same] == parts[same]) ++same;
    open.resize(same);
    for (std::size_t k = same; k + 1 < parts.size(); ++k) {
      out += fmt::format("{}{}:\n", std::string(2 * k, ' '), parts[k]);
      open.push_back(parts[k]);
    }
    const double v = theta[static_cast<Eigen::Index>(d)];
    out += fmt::format(
        "{}{}: {}\n", std::string(2 * (parts.size() - 1), ' '), parts.back(),
        spec.parameters[d].integer ? fmt::format("{}", std::llround(v)) : fmt::format("{:.6g}", v));
  }
  return out;
}

// The target of a calibrated scenario, checked before any run (an existing file without
// --overwrite is refused at once, not after hours of runs).
TargetFile calibrated_target(const fs::path& path, bool overwrite, const std::vector<fs::path>& inputs) {
  TargetRules rules;
  rules.what = "calibrated scenario";
  rules.overwrite = overwrite;
  rules.inputs = inputs;
  return TargetFile(path, rules);
}

// Parameter values on their own scales from the optimiser's search scales.
Eigen::VectorXd natural(const CalibrationSpec& spec, const Eigen::VectorXd& search) {
  Eigen::VectorXd v(search.size());
  for (Eigen::Index j = 0; j < search.size(); ++j)
    v[j] = from_search(spec.parameters[static_cast<std::size_t>(j)], search[j]);
  return v;
}

std::string fit_report(const CalibrationSpec& spec, const msm::Fit& fit) {
  const NaturalFit own = natural_fit(spec, fit);
  std::string out =
      "\ntargets                                           real   95 % interval of real     simulated   "
      "(real - sim) / se\n";
  for (std::size_t t = 0; t < spec.targets.size(); ++t) {
    const CalibrationTarget& g = spec.targets[t];
    std::string name = g.scenario + ": " + g.indicator;
    for (const auto& [dim, label] : g.select) name += " " + label;
    if (!g.date.empty()) name += " " + g.date;
    if (!g.from.empty()) name += " " + g.from + ".." + g.to;
    const double r = fit.residuals[static_cast<Eigen::Index>(t)];
    out +=
        fmt::format("  {:<46} {:>10.4g}   {:>21} {:>12.4g}   {:>+6.2f}{}\n", name, g.value,
                    fmt::format("{:.4g} to {:.4g}", g.value - 1.96 * g.se, g.value + 1.96 * g.se),
                    fit.moments[static_cast<Eigen::Index>(t)], -r, std::abs(r) <= 1 ? "  within 1 se" : "");
  }
  out += "\nparameters                                    estimate     std error     95 % interval\n";
  for (std::size_t d = 0; d < spec.parameters.size(); ++d) {
    const auto j = static_cast<Eigen::Index>(d);
    const bool at_bound =
        own.theta[j] <= spec.parameters[d].lower || own.theta[j] >= spec.parameters[d].upper;
    out += fmt::format("  {:<42} {:>10.4g} {:>12.4g}     {}\n", spec.parameters[d].key, own.theta[j],
                       own.standard_errors[j],
                       !fit.identification.identified[d] ? std::string("not identified by these targets")
                       : at_bound ? std::string("at its bound: no interval (widen the bounds?)")
                                  : fmt::format("{:.4g} to {:.4g}", own.ci_low[j], own.ci_high[j]));
  }
  out += fmt::format(
      "\nobjective {:.4g} over {} targets, {} evaluations, {}; {}; rank {} of {}, condition {:.3g}\n",
      fit.objective, spec.targets.size(), fit.evaluations.size(), fit.method, fit.stop_reason,
      fit.identification.rank, spec.parameters.size(), fit.identification.condition);
  return out;
}

// The calibration's file up to its evaluations (all a stopped calibration has): the header, the
// calibration file as given, the dimensions and every evaluation in order.
void write_evaluations(output::H5File& file, const CalibrationSpec& spec,
                       const std::vector<msm::Evaluation>& made, const std::string& text, const RunInfo& info,
                       const std::string& status) {
  file.attribute("/", "kind", "calibration");
  file.attribute("/", "status", status);
  file.attribute("/", "engine_version", kVersion);
  file.attribute("/", "git_commit", kGitCommit);
  file.attribute("/", "command_line", info.command_line);
  file.attribute("/", "fingerprint", calibration_fingerprint(spec));
  file.attribute("/", "replications", spec.replications);
  file.text("calibration_file", text, "the calibration file as given");
  std::vector<std::string> names, targets, purposes;
  for (const auto& p : spec.parameters) names.push_back(p.key);
  for (const auto& t : spec.targets) {
    std::string name = t.scenario + ":" + t.indicator;
    for (const auto& [dim, label] : t.select) name += ":" + label;
    name += t.date.empty() ? (t.from.empty() ? "" : ":" + t.from + ".." + t.to) : ":" + t.date;
    targets.push_back(name);
  }
  std::vector<std::int64_t> index(made.size());
  for (std::size_t k = 0; k < index.size(); ++k) index[k] = static_cast<std::int64_t>(k);
  file.dimension("parameter", names, "fitted scenario parameter");
  file.dimension("target", targets, "target: scenario:indicator[:labels][:date or window]");
  file.dimension("evaluation", index, "1", "evaluation of the moments, in the order made");
  const auto k = spec.parameters.size(), T = spec.targets.size();
  std::vector<double> theta(index.size() * k), search(index.size() * k), moments(index.size() * T),
      objective(index.size());
  for (std::size_t e = 0; e < index.size(); ++e) {
    for (std::size_t d = 0; d < k; ++d) {
      search[e * k + d] = made[e].theta[static_cast<Eigen::Index>(d)];
      theta[e * k + d] = from_search(spec.parameters[d], search[e * k + d]);
    }
    for (std::size_t t = 0; t < T; ++t) moments[e * T + t] = made[e].moments[static_cast<Eigen::Index>(t)];
    objective[e] = made[e].objective;
    purposes.push_back(made[e].purpose);
  }
  file.variable("evaluations/theta", theta, {"evaluation", "parameter"}, "",
                "parameter values of each evaluation");
  file.variable("evaluations/search", search, {"evaluation", "parameter"}, "",
                "the same on the optimiser's scale of each parameter (its transform: none, log or logit)");
  file.variable("evaluations/moments", moments, {"evaluation", "target"}, "",
                "simulated moments (mean over the replications) of each evaluation");
  file.variable("evaluations/objective", objective, {"evaluation"}, "1",
                "sum of squared weighted residuals ((simulated - real) / se)^2");
  file.variable("evaluations/purpose", purposes, "evaluation",
                "why it was made: start, jacobian, step or simplex (empty: before the fit was known)");
}

void write_calibration(output::H5File& file, const CalibrationSpec& spec, const msm::Fit& fit,
                       const std::string& text, const RunInfo& info,
                       const std::vector<fs::path>& calibrated) {
  write_evaluations(file, spec, fit.evaluations, text, info, "finished");
  file.attribute("/", "method", fit.method);
  file.attribute("/", "stop_reason", fit.stop_reason);
  file.attribute("/", "converged", static_cast<std::int64_t>(fit.converged));
  file.attribute("/", "objective", fit.objective);
  std::vector<std::string> names, sources, scenarios;
  for (const auto& p : spec.parameters) names.push_back(p.key);
  for (const auto& t : spec.targets) sources.push_back(t.source);
  for (const auto& path : calibrated) scenarios.push_back(path.string());
  file.dimension("parameter_2", names, "fitted scenario parameter (second axis of matrices)");
  const auto column = [](const Eigen::VectorXd& v) {
    return std::vector<double>(v.data(), v.data() + v.size());
  };
  // On the parameters' own scales (the search scales' differ only for log or logit parameters).
  const NaturalFit own = natural_fit(spec, fit);
  std::vector<std::int64_t> identified;
  for (const bool b : fit.identification.identified) identified.push_back(b ? 1 : 0);
  file.variable("fit/estimate", column(own.theta), {"parameter"}, "", "estimate of each parameter");
  file.variable(
      "fit/standard_error", column(own.standard_errors), {"parameter"}, "",
      "standard error (sandwich with the simulation correction, delta method from the search scale; "
      "NaN if not identified)");
  file.variable("fit/ci95_low", column(own.ci_low), {"parameter"}, "",
                "95 % interval, lower end (made on the search scale)");
  file.variable("fit/ci95_high", column(own.ci_high), {"parameter"}, "",
                "95 % interval, upper end (made on the search scale)");
  file.variable("fit/identified", identified, {"parameter"}, "1", "1 if the targets identify the parameter");
  Eigen::MatrixXd cov = own.covariance.transpose();  // row-major
  file.variable("fit/covariance", std::vector<double>(cov.data(), cov.data() + cov.size()),
                {"parameter", "parameter_2"}, "", "covariance of the estimates");
  Eigen::MatrixXd jac = own.jacobian.transpose();
  file.variable("fit/jacobian", std::vector<double>(jac.data(), jac.data() + jac.size()),
                {"target", "parameter"}, "",
                "derivative of each simulated moment with respect to each parameter at the estimate");
  std::vector<std::int64_t> order(static_cast<std::size_t>(fit.identification.singular_values.size()));
  for (std::size_t q = 0; q < order.size(); ++q) order[q] = static_cast<std::int64_t>(q);
  file.dimension("singular_value", order, "1", "singular value number, largest first");
  file.variable("fit/singular_values", column(fit.identification.singular_values), {"singular_value"}, "1",
                "singular values of W^1/2 G: the rank and condition of the identification");
  std::vector<double> value, target_se;
  for (const auto& t : spec.targets) {
    value.push_back(t.value);
    target_se.push_back(t.se);
  }
  file.variable("targets/value", value, {"target"}, "", "real value");
  file.variable("targets/se", target_se, {"target"}, "", "standard error of the real value");
  file.variable("targets/simulated", column(fit.moments), {"target"}, "", "simulated at the estimate");
  file.variable("targets/source", sources, "target", "where the real value comes from");
  if (!scenarios.empty()) {
    file.dimension("calibrated_scenario", scenarios, "calibrated scenario files written beside this file");
  }
}

}  // namespace

int calibrate(const StudyArgs& args) {
  catch_stop_signals();
  CalibrationSpec spec;
  std::string text;
  try {
    spec = load_calibration(args.scenarios.front());
    spec.sets.insert(spec.sets.end(), args.sets.begin(), args.sets.end());
    for (const auto& [name, path] : spec.scenarios) (void)load_scenario(path, spec.sets);
    Diagnostics unused;
    text = read_input_file(spec.file, unused);
  } catch (const ScenarioError& e) {
    return bad_input(e);
  }
  std::vector<fs::path> inputs{spec.file};
  for (const auto& [name, path] : spec.scenarios) inputs.push_back(path);
  // --resume: the evaluations already made are taken from the results file instead of run again;
  // the optimiser, deterministic, retraces its path through them and goes on from there.
  std::map<std::vector<double>, Eigen::VectorXd> kept;
  if (args.resume) {
    if (args.output.empty()) {
      if (root()) fmt::print(stderr, "error: --resume continues the results file given with -o; give -o\n");
      return kExitBadInput;
    }
    try {
      const KeptEvaluations before = read_kept_evaluations(args.output, spec);
      for (std::size_t e = 0; e < before.search.size(); ++e)
        kept.emplace(
            std::vector<double>(before.search[e].data(), before.search[e].data() + before.search[e].size()),
            before.moments[e]);
    } catch (const ScenarioError& e) {
      return bad_input(e);
    }
  }
  const fs::path out = output_path(args, "calibration");
  std::optional<output::H5File> file;
  if (const int code = open_output(file, out, args.overwrite || args.resume, inputs)) return code;
  // The calibrated scenarios beside the results file: NAME.SCENARIO.yaml.
  std::vector<fs::path> calibrated;
  std::vector<TargetFile> calibrated_targets;
  try {
    for (const auto& [name, path] : spec.scenarios) {
      calibrated.push_back(out.parent_path() / (out.stem().string() + "." + name + ".yaml"));
      if (root())
        calibrated_targets.push_back(
            calibrated_target(calibrated.back(), args.overwrite || args.resume, inputs));
    }
  } catch (const TargetRefused& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  const auto S = static_cast<std::int64_t>(spec.scenarios.size());
  const std::int64_t R = spec.replications;
  if (!args.quiet && root())
    fmt::print("valinta {}: calibrating {} parameters to {} targets of {} scenarios, {} replications each\n",
               kVersion, spec.parameters.size(), spec.targets.size(), S, R);
  msm::Problem problem;
  problem.replications = static_cast<int>(R);
  const auto k = static_cast<Eigen::Index>(spec.parameters.size());
  problem.lower.resize(k);
  problem.upper.resize(k);
  problem.start.resize(k);
  for (Eigen::Index d = 0; d < k; ++d) {
    const CalibrationParameter& p = spec.parameters[static_cast<std::size_t>(d)];
    problem.names.push_back(p.key);
    problem.lower[d] = to_search(p, p.lower);
    problem.upper[d] = to_search(p, p.upper);
    problem.start[d] = to_search(p, p.start);
  }
  const auto T = static_cast<Eigen::Index>(spec.targets.size());
  problem.targets.resize(T);
  problem.standard_errors.resize(T);
  for (Eigen::Index t = 0; t < T; ++t) {
    problem.targets[t] = spec.targets[static_cast<std::size_t>(t)].value;
    problem.standard_errors[t] = spec.targets[static_cast<std::size_t>(t)].se;
  }
  const auto started = Clock::now();
  int evaluations = 0, replayed = 0;
  std::vector<msm::Evaluation> made;  // in order, for a file if the calibration is stopped
  problem.moments = [&](const Eigen::VectorXd& theta) -> Eigen::VectorXd {
    if (const auto it = kept.find(std::vector<double>(theta.data(), theta.data() + theta.size()));
        it != kept.end()) {
      ++evaluations;
      ++replayed;
      made.push_back({theta, it->second, msm::weighted_residuals(problem, it->second).squaredNorm(), ""});
      return it->second;
    }
    Eigen::VectorXd m = Eigen::VectorXd::Zero(T);
    for (std::int64_t s = 0; s < S; ++s) {
      const auto& [name, path] = spec.scenarios[static_cast<std::size_t>(s)];
      const Scenario scenario = load_scenario(path, calibration_overrides(spec, natural(spec, theta)));
      const std::uint64_t seed = args.seed   ? *args.seed
                                 : spec.seed ? *spec.seed
                                             : static_cast<std::uint64_t>(scenario.seed);
      for (std::int64_t r = 0; r < R; ++r) {
        RunHooks hooks;
        hooks.stop_requested = [] { return stop_signal(parallel::Comm::world()); };
        // Replication r has the same seed at every parameter value: common random numbers.
        const RunRecord run =
            run_and_record(scenario, {seed, static_cast<std::uint32_t>(r), args.threads}, true, hooks);
        if (!run.ok)
          throw std::runtime_error(fmt::format("a run of scenario {} failed: {}", name, run.error));
        for (Eigen::Index t = 0; t < T; ++t)
          if (spec.targets[static_cast<std::size_t>(t)].scenario == name)
            m[t] +=
                target_moment(spec, spec.targets[static_cast<std::size_t>(t)], run) / static_cast<double>(R);
      }
    }
    ++evaluations;
    made.push_back({theta, m, msm::weighted_residuals(problem, m).squaredNorm(), ""});
    if (!args.quiet && root()) {
      const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      const double objective = made.back().objective;
      fmt::print(stderr, "evaluation {} of at most {}: objective {:.4g} ({} so far, at most {} left)\n",
                 evaluations, spec.options.max_evaluations, objective, format_duration(seconds),
                 format_duration(seconds / std::max(1, evaluations - replayed) *
                                 std::max(0, spec.options.max_evaluations - evaluations)));
    }
    return m;
  };
  msm::Fit fit;
  try {
    fit = msm::fit(problem, spec.options);
  } catch (const RunsStopped& s) {
    // The evaluations made so far are kept, so that --resume goes on from them.
    default_stop_signals();
    if (!root()) return 128 + s.signal;
    if (made.empty()) {
      fmt::print(stderr, "valinta: stopped by {} before the first evaluation; no results file was written\n",
                 signal_name(s.signal));
      return 128 + s.signal;
    }
    try {
      const int threads = args.threads > 0 ? args.threads : Simulation::default_threads();
      write_evaluations(*file, spec, made, text,
                        RunInfo{args.command_line, 0, threads, parallel::Comm::world().size(), threads},
                        "stopped");
      file->commit();
    } catch (const std::exception& e) {
      return failure(e);
    }
    fmt::print(
        stderr,
        "valinta: stopped by {} after {} evaluations; they are kept in {}: `valinta calibrate {} -o {} "
        "--resume` goes on from them\n",
        signal_name(s.signal), made.size(), out.string(), spec.file.string(), out.string());
    return 128 + s.signal;
  } catch (const ScenarioError& e) {
    return bad_input(e);
  } catch (const std::exception& e) {
    return failure(e);
  }
  default_stop_signals();
  if (!root()) return 0;
  try {
    for (std::size_t s = 0; s < calibrated.size(); ++s)
      write_text_file(calibrated_targets[s], calibrated_yaml(spec, calibrated[s], spec.scenarios[s].second,
                                                             natural(spec, fit.theta)));
    const int threads = args.threads > 0 ? args.threads : Simulation::default_threads();
    write_calibration(*file, spec, fit, text,
                      RunInfo{args.command_line, 0, threads, parallel::Comm::world().size(), threads},
                      calibrated);
    file->commit();
  } catch (const TargetRefused& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    return failure(e);
  }
  if (replayed > 0 && !args.quiet)
    fmt::print("{} of the {} evaluations were taken from the results file (--resume)\n", replayed,
               evaluations);
  fmt::print("{}", fit_report(spec, fit));
  for (const fs::path& p : calibrated) fmt::print("calibrated scenario: {}\n", p.string());
  fmt::print("results: {}\n", out.string());
  return 0;
}

}  // namespace valinta::cli
