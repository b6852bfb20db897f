#include "study_commands.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "common.hpp"
#include "progress.hpp"
#include "valinta/input/loader.hpp"
#include "valinta/output/h5_file.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/study/ensemble_file.hpp"
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
    same_zones = a.zones[k].name == b.zones[k].name && a.zones[k].population == b.zones[k].population;
  if (!same_zones)
    return fmt::format(
        "'{}' simulates other residents than the baseline '{}' ({} residents in {} zones at population.scale "
        "{} "
        "against {} in {} zones at {}); compare pairs the scenarios' runs resident by resident, so they must "
        "share the zones and population.scale: compare rule sets on one region, and regions with separate "
        "runs",
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
    batch.commit(format_comparison(scenarios));
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

}  // namespace valinta::cli
