#include "study_commands.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "common.hpp"
#include "progress.hpp"
#include "valinta/output/h5_file.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/scenario/loader.hpp"
#include "valinta/study/ensemble_file.hpp"
#include "valinta/version.hpp"

namespace valinta::cli {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// A step callback that moves the progress on and stops the batch on SIGINT/SIGTERM.
std::function<void(int, int)> stepper(Progress& progress, std::int64_t steps_before) {
  return [&progress, steps_before](int step, int) {
    progress.update(steps_before + step);
    if (const int sig = stop_signal(parallel::Comm::world()); sig != 0) throw RunsStopped{sig};
  };
}

bool root() { return parallel::Comm::world().root(); }

// A scenario or sweep error, printed once.
int bad_input(const ScenarioError& e) {
  if (root()) fmt::print(stderr, "{}\n", e.what());
  return kExitBadInput;
}

int stopped(const RunsStopped& s, Progress& progress) {
  progress.finish();
  if (root()) fmt::print(stderr, "valinta: stopped by {}; no results file was written\n", signal_name(s.signal));
  return 128 + s.signal;
}

void add_profile(std::array<double, kPhaseCount>& total, const RunRecord& run) {
  for (int k = 0; k < kPhaseCount; ++k) total[static_cast<std::size_t>(k)] += run.phase_seconds[static_cast<std::size_t>(k)];
}

void finish_report(const StudyArgs& args, const std::array<double, kPhaseCount>& profile, Clock::time_point start,
                   const fs::path& out) {
  if (!root()) return;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (args.profile) fmt::print("{}", format_profile(profile, seconds));
  if (!args.quiet) fmt::print("finished in {}\n", format_duration(seconds));
  fmt::print("results: {}\n", out.string());
}

// A name usable as a label and an HDF5 group name, unique among `taken`.
std::string unique_label(const std::string& name, std::map<std::string, int>& taken) {
  std::string label;
  for (const char c : name) label += c == '/' || c == '.' || c == ' ' ? '_' : c;
  if (label.empty()) label = "scenario";
  const int n = ++taken[label];
  return n == 1 ? label : fmt::format("{}-{}", label, n);
}

}  // namespace

int run_replications(const StudyArgs& args) {
  catch_stop_signals();
  Scenario scenario;
  try {
    scenario = load_scenario(args.scenarios.empty() ? default_scenario_path() : fs::path(args.scenarios.front()), args.sets);
  } catch (const ScenarioError& e) {
    return bad_input(e);
  }
  if (!fits_in_memory(scenario, args.threads)) return kExitBadInput;
  const std::uint64_t seed = args.seed ? *args.seed : static_cast<std::uint64_t>(scenario.seed);
  const fs::path out = !root() ? fs::path() : args.output.empty() ? default_output(scenario.name + "-replications") : fs::path(args.output);
  std::optional<output::H5File> file;
  if (const int code = open_output(file, out, args.overwrite)) return code;
  try {
    const auto start = Clock::now();
    const int R = args.replications;
    const auto steps = static_cast<std::int64_t>(scenario.time.steps);
    if (!args.quiet && root())
      fmt::print("valinta {}: scenario '{}', {} replications of {} steps, seed {}\n", kVersion, scenario.name, R,
                 steps, seed);
    Progress progress(Progress::detect(args.quiet || !root()), steps * R, 0);
    std::vector<RunRecord> runs;
    std::array<double, kPhaseCount> profile{};
    try {
      for (int r = 0; r < R; ++r) {
        progress.label(fmt::format("replication {}/{}", r + 1, R));
        const RunOptions options{seed, static_cast<std::uint32_t>(r), args.threads};
        runs.push_back(run_and_record(scenario, options, r == 0, stepper(progress, steps * r)));
        if (!runs.back().ok) {
          progress.finish();
          if (root()) fmt::print(stderr, "error: replication {} failed: {}\n", r, runs.back().error);
          return kExitFailure;
        }
        progress.residents(runs.back().summary.residents);
        add_profile(profile, runs.back());
      }
    } catch (const RunsStopped& s) {
      return stopped(s, progress);
    }
    progress.finish();
    default_stop_signals();
    const int threads = args.threads > 0 ? args.threads : Simulation::default_threads();
    if (!root()) return 0;
    write_replications(*file, scenario, {args.command_line, seed, threads, parallel::Comm::world().size()}, runs);
    file->commit();
    if (!args.quiet) fmt::print("{}", format_replications(runs));
    finish_report(args, profile, start, out);
    return 0;
  } catch (const std::exception& e) {
    if (root()) fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
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
      if (root()) fmt::print(stderr,
                 "error: {}: the scenarios compared must share one time axis, but '{}' runs {} steps of {} days from {} "
                 "and '{}' runs {} steps of {} days from {}; set time.steps, time.step_days and time.start_date alike "
                 "(e.g. with --set)\n",
                 c.scenario.source.string(), base.name, base.time.steps, base.time.step_days, base.time.start_date,
                 c.scenario.name, c.scenario.time.steps, c.scenario.time.step_days, c.scenario.time.start_date);
      return kExitBadInput;
    }
    if (!fits_in_memory(c.scenario, args.threads)) return kExitBadInput;
  }
  const std::uint64_t seed = args.seed ? *args.seed : static_cast<std::uint64_t>(base.seed);
  const fs::path out = !root() ? fs::path() : args.output.empty() ? default_output("comparison") : fs::path(args.output);
  std::optional<output::H5File> file;
  if (const int code = open_output(file, out, args.overwrite)) return code;
  try {
    const auto start = Clock::now();
    const int R = args.replications;
    const auto steps = static_cast<std::int64_t>(base.time.steps);
    const auto S = static_cast<std::int64_t>(scenarios.size());
    if (!args.quiet && root())
      fmt::print("valinta {}: comparing {} scenarios, {} replications each with common random numbers, seed {}\n",
                 kVersion, S, R, seed);
    Progress progress(Progress::detect(args.quiet || !root()), steps * R * S, 0);
    std::array<double, kPhaseCount> profile{};
    try {
      // Replication by replication, every scenario: an interrupted comparison has lost the least.
      for (int r = 0; r < R; ++r)
        for (std::int64_t k = 0; k < S; ++k) {
          ComparedScenario& c = scenarios[static_cast<std::size_t>(k)];
          progress.label(fmt::format("{}, replication {}/{}", c.label, r + 1, R));
          const RunOptions options{seed, static_cast<std::uint32_t>(r), args.threads};
          c.runs.push_back(run_and_record(c.scenario, options, r == 0, stepper(progress, steps * (r * S + k))));
          if (!c.runs.back().ok) {
            progress.finish();
            if (root()) fmt::print(stderr, "error: scenario '{}', replication {} failed: {}\n", c.label, r, c.runs.back().error);
            return kExitFailure;
          }
          progress.residents(c.runs.back().summary.residents);
          add_profile(profile, c.runs.back());
        }
    } catch (const RunsStopped& s) {
      return stopped(s, progress);
    }
    progress.finish();
    default_stop_signals();
    const int threads = args.threads > 0 ? args.threads : Simulation::default_threads();
    if (!root()) return 0;
    write_comparison(*file, scenarios, {args.command_line, seed, threads, parallel::Comm::world().size()});
    file->commit();
    fmt::print("{}", format_comparison(scenarios));
    finish_report(args, profile, start, out);
    return 0;
  } catch (const std::exception& e) {
    if (root()) fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
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
  if (!fits_in_memory(base, args.threads)) return kExitBadInput;
  const std::uint64_t seed = args.seed ? *args.seed : spec.seed ? *spec.seed : static_cast<std::uint64_t>(base.seed);
  const auto points = design_points(spec, seed);
  const fs::path out = !root() ? fs::path() : args.output.empty() ? default_output("sweep") : fs::path(args.output);
  std::optional<output::H5File> file;
  if (const int code = open_output(file, out, args.overwrite)) return code;
  try {
    const auto start = Clock::now();
    const auto R = spec.replications;
    const auto steps = static_cast<std::int64_t>(base.time.steps);
    const auto N = static_cast<std::int64_t>(points.size()) * R;
    if (!args.quiet && root())
      fmt::print("valinta {}: sweep '{}', {} design with {} points x {} replications = {} runs, seed {}\n", kVersion,
                 spec.file.string(), kSweepDesignNames[static_cast<int>(spec.design)], points.size(), R, N, seed);
    Progress progress(Progress::detect(args.quiet || !root()), steps * N, 0);
    std::vector<SweepRun> runs;
    std::array<double, kPhaseCount> profile{};
    bool have_setup = false;
    try {
      for (std::int64_t k = 0; k < N; ++k) {
        SweepRun run{k / R, k % R, {}};
        progress.label(fmt::format("run {}/{}", k + 1, N));
        try {
          const Scenario scenario = load_scenario(spec.scenario, point_overrides(spec, points[static_cast<std::size_t>(run.point)]));
          const RunOptions options{seed, static_cast<std::uint32_t>(run.replication), args.threads};
          run.record = run_and_record(scenario, options, !have_setup, stepper(progress, steps * k));
        } catch (const ScenarioError& e) {
          run.record.ok = false;
          run.record.error = e.what();
        }
        if (run.record.ok) {
          have_setup = have_setup || run.record.setup.has_value();
          progress.residents(run.record.summary.residents);
          add_profile(profile, run.record);
        } else {
          progress.finish();
          if (root())
            fmt::print(stderr, "valinta: run {} (point {}, replication {}) failed: {}", k, run.point, run.replication,
                       run.record.error.back() == '\n' ? run.record.error : run.record.error + "\n");
        }
        progress.update(steps * (k + 1));
        runs.push_back(std::move(run));
      }
    } catch (const RunsStopped& s) {
      return stopped(s, progress);
    }
    progress.finish();
    default_stop_signals();
    const int threads = args.threads > 0 ? args.threads : Simulation::default_threads();
    std::int64_t failed = 0;
    for (const auto& r : runs) failed += r.record.ok ? 0 : 1;
    if (!root()) return failed == N ? kExitFailure : 0;
    write_sweep(*file, spec, base, {args.command_line, seed, threads, parallel::Comm::world().size()}, points, runs, sweep_text);
    file->commit();
    if (failed > 0)
      fmt::print(stderr, "valinta: warning: {} of {} runs failed (run_ok and run_error in the file say which and why)\n",
                 failed, N);
    else if (!args.quiet)
      fmt::print("all {} runs finished\n", N);
    finish_report(args, profile, start, out);
    return failed == N ? kExitFailure : 0;
  } catch (const std::exception& e) {
    if (root()) fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
}

}  // namespace valinta::cli
