// valinta: the command line. Thin by design: it parses arguments and calls the library.
//   valinta run [SCENARIO] [-o FILE] [--seed N] [--threads N] [--set KEY=VALUE]... [--overwrite]
//   valinta validate FILE...
//   valinta show FILE
//   valinta schema | valinta reference
// Exit codes: 0 success, 1 a failure while running or writing, 2 bad input (nothing written).
// Under `mpirun -n K valinta run ...` every rank parses the scenario and runs its block of
// residents; rank 0 alone prints and writes the results file. Ranks agree on every error found
// before the run, so they all exit with the same code instead of waiting for each other.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>

#include "valinta/model/checkpoint.hpp"
#include "valinta/model/memory_plan.hpp"
#include "valinta/model/simulation.hpp"
#include "valinta/output/h5_file.hpp"
#include "valinta/output/results.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/scenario/loader.hpp"
#include "valinta/scenario/reference.hpp"
#include "valinta/version.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

struct RunArgs {
  std::string scenario;
  std::string output;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::vector<std::string> sets;
  bool overwrite = false;
  bool quiet = false;
  std::string checkpoint;
  int checkpoint_every = 10;
  std::string resume;
};

// SIGINT and SIGTERM ask the run to stop after the current step.
std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

// The exit code every rank agrees on after a check that may fail on some ranks: 0 if none failed,
// else kExitBadInput if any rank found bad input, else kExitFailure. `error` is this rank's
// message ("" if none): rank 0 prints its own; another rank prints its own only when rank 0 had
// none (nothing twice, nothing lost).
int agree(const valinta::parallel::Comm& comm, const std::string& error, int code = kExitBadInput) {
  const bool failed = !error.empty();
  std::array<std::int64_t, 3> counts = {failed ? 1 : 0, comm.root() && failed ? 1 : 0,
                                        failed && code == kExitBadInput ? 1 : 0};
  comm.sum(counts);
  if (counts[0] == 0) return 0;
  if (failed && (comm.root() || counts[1] == 0))
    fmt::print(stderr, "{}{}\n", comm.root() ? "" : fmt::format("rank {}: ", comm.rank()), error);
  return counts[2] > 0 ? kExitBadInput : kExitFailure;
}

// The signal that stopped any rank (0: none), the same on every rank.
int stop_signal(const valinta::parallel::Comm& comm) {
  const int sig = g_signal.load();
  std::array<std::int64_t, 2> seen = {sig == SIGINT ? 1 : 0, sig != 0 && sig != SIGINT ? 1 : 0};
  comm.sum(seen);
  return seen[0] > 0 ? SIGINT : seen[1] > 0 ? SIGTERM : 0;
}

// results/<scenario>-<UTC time>.h5, numbered if that exists already.
fs::path default_output(const std::string& scenario_name) {
  // The scenario's name, reduced to characters that are safe in a file name.
  std::string name;
  for (const char c : scenario_name)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') && !(name.empty() && c == '.') ? c : '_';
  if (name.empty()) name = "results";
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  fs::path path = fs::path("results") / fmt::format("{}-{}.h5", name, stamp);
  for (int k = 2; fs::exists(path); ++k) path = fs::path("results") / fmt::format("{}-{}-{}.h5", name, stamp, k);
  return path;
}

int run(const RunArgs& args, const std::string& cmdline) {
  // From the start, SIGINT and SIGTERM stop the run cleanly (checked after set-up and each step).
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGXFSZ, SIG_IGN);  // over a file-size limit, writes fail with an error we report
  const valinta::parallel::Comm& comm = valinta::parallel::Comm::world();
  if (comm.size() > 1 && (!args.checkpoint.empty() || !args.resume.empty())) {
    if (comm.root())
      fmt::print(stderr, "error: --checkpoint and --resume work in runs of one process only (this run has {} MPI "
                 "ranks); run without them, or with one rank\n", comm.size());
    return kExitBadInput;
  }
  // The scenario: from a file, or as it was when a checkpointed run started.
  valinta::Scenario scenario;
  std::optional<valinta::CheckpointHeader> resume;
  std::string error;
  try {
    if (!args.resume.empty()) {
      if (!args.scenario.empty() || !args.sets.empty() || args.seed) {
        fmt::print(stderr, "error: --resume continues a run as it was started; do not give a scenario, --set or --seed\n");
        return kExitBadInput;
      }
      resume = valinta::read_checkpoint_header(args.resume);
      scenario = valinta::checkpoint_scenario(*resume);
    } else {
      const fs::path path = args.scenario.empty() ? valinta::default_scenario_path() : fs::path(args.scenario);
      scenario = valinta::load_scenario(path, args.sets);
    }
  } catch (const valinta::ScenarioError& e) {
    error = e.what();
  } catch (const std::runtime_error& e) {
    error = fmt::format("error: cannot resume: {}", e.what());
  }
  if (const int code = agree(comm, error)) return code;
  const std::uint64_t seed = resume ? resume->seed : args.seed ? *args.seed : static_cast<std::uint64_t>(scenario.seed);

  // Refuse a run that cannot fit in memory before allocating anything.
  const valinta::MemoryPlan plan = valinta::plan_memory(scenario, args.threads > 0 ? args.threads : 2, comm.size());
  const std::int64_t available = valinta::available_memory_bytes();
  if (available > 0 && plan.total() > available)
    error = fmt::format("error: this run needs about {}{}, but only {:.0f} MiB of memory is available; "
                        "simulate fewer residents (population.scale) or use a larger machine{}",
                        plan.describe(), comm.size() > 1 ? " per MPI rank" : "",
                        static_cast<double>(available) / (1024.0 * 1024.0), comm.size() > 1 ? " or more ranks" : "");
  if (const int code = agree(comm, error)) return code;

  // Rank 0 alone names, creates and writes the results file.
  fs::path out;
  if (comm.root()) {
    out = args.output.empty() ? default_output(scenario.name) : fs::path(args.output);
    if (args.output.empty()) {
      std::error_code ec;
      fs::create_directories(out.parent_path(), ec);
    }
  }
  std::optional<valinta::output::H5File> file;
  int code = kExitFailure;
  try {
    // Open the output first: an unwritable path or an existing file fails before the run.
    if (comm.root()) file.emplace(out, args.overwrite);
  } catch (const valinta::ScenarioError& e) {
    error = e.what();
    code = kExitBadInput;
  } catch (const std::exception& e) {
    error = fmt::format("error: {}", e.what());
  }
  if (const int agreed = agree(comm, error, code)) return agreed;
  try {
    const auto start = std::chrono::steady_clock::now();
    valinta::Simulation sim(scenario, {seed, 0, args.threads});
    if (resume) valinta::restore_checkpoint(sim, args.resume);
    const int steps = static_cast<int>(scenario.time.steps);
    if (!args.quiet && comm.root())
      fmt::print("valinta {}: scenario '{}', {} residents, {} producers, {} steps of {} days, seed {}, {} threads{}{}\n",
                 valinta::kVersion, scenario.name, sim.population_size(), sim.producers.size(), steps,
                 scenario.time.step_days, seed, sim.threads(),
                 comm.size() > 1 ? fmt::format(" x {} MPI ranks", comm.size()) : "",
                 resume ? fmt::format(", resuming after step {}", sim.t) : "");
    const bool tty = isatty(fileno(stderr)) && !args.quiet && comm.root();
    if (const int sig = stop_signal(comm); sig != 0) {
      if (comm.root())
      fmt::print(stderr, "valinta: stopped by {} before the first step; no results file was written\n",
                 sig == SIGINT ? "SIGINT" : "SIGTERM");
      return 128 + sig;
    }
    while (sim.t < steps) {
      sim.step();
      if (tty) fmt::print(stderr, "\r  step {}/{}", sim.t, steps);
      const bool due = !args.checkpoint.empty() && (sim.t % args.checkpoint_every == 0 || g_signal.load() != 0);
      if (due && sim.t < steps) valinta::write_checkpoint(sim, args.checkpoint);
      if (const int sig = stop_signal(comm); sig != 0 && sim.t < steps) {
        if (tty) fmt::print(stderr, "\r\033[K");
        if (comm.root())
          fmt::print(stderr, "valinta: stopped by {} after step {} of {}; no results file was written{}\n",
                   sig == SIGINT ? "SIGINT" : "SIGTERM", sim.t, steps,
                   args.checkpoint.empty() ? ""
                                           : fmt::format(" (continue with: valinta run --resume {} -o {})",
                                                         args.checkpoint, out.string()));
        return 128 + sig;  // the temporary file is removed as `file` goes out of scope
      }
    }
    if (tty) fmt::print(stderr, "\r\033[K");
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    const valinta::Summary summary = valinta::summarise(sim);  // collective: every rank
    if (!comm.root()) return 0;
    valinta::write_results(*file, sim, {cmdline, seed, sim.threads(), comm.size()}, summary);
    file->commit();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!args.quiet) {
      fmt::print("{}", valinta::format_summary(summary));
      fmt::print("finished in {:.2f} s\n", seconds);
    }
    fmt::print("results: {}\n", out.string());
    return 0;
  } catch (const valinta::ScenarioError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
}

int validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& f : files) {
    try {
      valinta::load_scenario(f);
      fmt::print("{}: ok\n", f);
    } catch (const valinta::ScenarioError& e) {
      fmt::print(stderr, "{}\n", e.what());
      status = kExitBadInput;
    }
  }
  return status;
}

int show(const std::string& file, const std::vector<std::string>& sets) {
  try {
    fmt::print("{}", valinta::resolved_yaml(valinta::load_scenario(file, sets)));
    return 0;
  } catch (const valinta::ScenarioError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // MPI (when built with it) starts before anything else and ends after everything.
  std::optional<valinta::parallel::Session> session;
  try {
    session.emplace(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
  CLI::App app{"Valinta: agent-based simulation of freedom-of-choice pilots in social and health care.\n"
               "Residents choose among public, private and third-sector producers under pilot rules;\n"
               "the engine simulates switching, waiting, visits, referrals and costs, and writes one\n"
               "HDF5 results file."};
  app.set_version_flag("--version", fmt::format("valinta {} ({})", valinta::kVersion, valinta::kGitCommit));
  app.require_subcommand(1);

  RunArgs args;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario and write its results file");
  run_cmd->add_option("scenario", args.scenario,
                      "Scenario YAML file (default: the built-in Keski-Suomi pilot, scenarios/keski-suomi.yaml)");
  run_cmd->add_option("-o,--output", args.output,
                      "Results file to write (HDF5; default: results/<scenario>-<time>.h5)");
  run_cmd->add_option("--seed", args.seed, "Random seed (default: the scenario's `seed`)")->check(CLI::Range(0.0, 4294967295.0));
  run_cmd->add_option("--threads", args.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_option("--set", args.sets, "Override a scenario parameter, e.g. --set rules.min_listing_months=12 (repeatable)");
  run_cmd->add_flag("--overwrite", args.overwrite, "Replace the results file if it exists");
  run_cmd->add_flag("-q,--quiet", args.quiet, "Print only the path of the results file");
  run_cmd->add_option("--checkpoint", args.checkpoint,
                      "Write the run's state to this file every --checkpoint-every steps (atomically), and "
                      "when stopped by SIGINT/SIGTERM");
  run_cmd->add_option("--checkpoint-every", args.checkpoint_every, "Steps between checkpoints (default 10)")
      ->check(CLI::Range(1, 1000000));
  run_cmd->add_option("--resume", args.resume,
                      "Continue a run from its checkpoint; the results equal those of an uninterrupted run");

  std::vector<std::string> validate_files;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check scenario files without running them (exit code 2 if any is bad)");
  validate_cmd->add_option("files", validate_files, "Scenario YAML files")->required();

  std::string show_file;
  std::vector<std::string> show_sets;
  CLI::App* show_cmd = app.add_subcommand("show", "Print the fully resolved scenario with every default");
  show_cmd->add_option("file", show_file, "Scenario YAML file")->required();
  show_cmd->add_option("--set", show_sets, "Override a scenario parameter (repeatable)");

  CLI::App* schema_cmd = app.add_subcommand(
      "schema", "Print the JSON Schema of the scenario format (for editors' YAML support)");
  CLI::App* reference_cmd = app.add_subcommand(
      "reference", "Print the scenario reference in Markdown (docs/scenario-reference.md)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (*run_cmd) return run(args, command_line(argc, argv));
  if (*validate_cmd) return validate(validate_files);
  if (*show_cmd) return show(show_file, show_sets);
  if (*schema_cmd) {
    fmt::print("{}", valinta::scenario_json_schema());
    return 0;
  }
  if (*reference_cmd) {
    fmt::print("{}", valinta::scenario_reference_markdown());
    return 0;
  }
  return kExitBadInput;
}
