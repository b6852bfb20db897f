// valinta: the command line. Thin by design: it parses arguments and calls the library.
//   valinta run [SCENARIO] [-o FILE] [--seed N] [--threads N] [--set KEY=VALUE]... [--overwrite]
//               [--replications R] [--profile] [--checkpoint FILE] [--resume FILE]
//   valinta compare A.yaml B.yaml [C.yaml ...] --replications R [-o FILE]
//   valinta sweep SWEEP.yaml [-o FILE]
//   valinta calibrate CALIBRATION.yaml [-o FILE]
//   valinta rerun RESULTS.h5 [-o FILE] [--replication R] [--allow-other-engine]
//   valinta validate FILE...
//   valinta show FILE
//   valinta schema | valinta reference | valinta completion bash [-o FILE [--overwrite]]
// Exit codes: 0 success, 1 a failure while running or writing, 2 bad input (nothing written).
// Under `mpirun -n K valinta run ...` every rank parses the scenario and runs its block of
// residents; rank 0 alone prints and writes the results file. Ranks agree on every error found
// before the run, so they all exit with the same code instead of waiting for each other.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#if defined(__GLIBC__)
#endif

#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common.hpp"
#include "completion.hpp"
#include "progress.hpp"
#include "study_commands.hpp"
#include "valinta/input/loader.hpp"
#include "valinta/input/reference.hpp"
#include "valinta/output/h5_file.hpp"
#include "valinta/output/h5_input.hpp"
#include "valinta/output/results.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/run/checkpoint.hpp"
#include "valinta/run/memory_plan.hpp"
#include "valinta/run/run_loop.hpp"
#include "valinta/run/simulation.hpp"
#include "valinta/util/heap.hpp"
#include "valinta/util/json.hpp"
#include "valinta/version.hpp"

namespace fs = std::filesystem;

using namespace valinta::cli;

namespace {

struct RunArgs {
  std::string scenario;
  std::string output;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::vector<std::string> sets;
  bool overwrite = false;
  bool quiet = false;
  bool profile = false;
  int replications = 1;
  std::string checkpoint;
  int checkpoint_every = 10;
  std::string resume;
  // `valinta rerun`: the scenario, seed and replication read from a results file, and that file.
  std::optional<valinta::Scenario> given;
  std::uint32_t replication = 0;
  std::string rerun_of;
  std::string original_command_line;
};

int run(const RunArgs& args, const std::string& cmdline) {
  // From the start, SIGINT and SIGTERM stop the run cleanly (checked after set-up and each step).
  catch_stop_signals();
  const valinta::parallel::Comm& comm = valinta::parallel::Comm::world();
  if (comm.size() > 1 && (!args.checkpoint.empty() || !args.resume.empty())) {
    if (comm.root())
      fmt::print(stderr,
                 "error: --checkpoint and --resume work in runs of one process only (this run has {} MPI "
                 "ranks); run without them, or with one rank\n",
                 comm.size());
    return kExitBadInput;
  }
  // The scenario: from a file, or as it was when a checkpointed run started.
  valinta::Scenario scenario;
  std::optional<valinta::CheckpointHeader> resume;
  std::string error;
  try {
    if (!args.resume.empty()) {
      if (!args.scenario.empty() || !args.sets.empty() || args.seed) {
        fmt::print(
            stderr,
            "error: --resume continues a run as it was started; do not give a scenario, --set or --seed\n");
        return kExitBadInput;
      }
      resume = valinta::read_checkpoint_header(args.resume);
      scenario = valinta::checkpoint_scenario(*resume);
    } else if (args.given) {
      scenario = *args.given;
    } else {
      const fs::path path =
          args.scenario.empty() ? valinta::default_scenario_path() : fs::path(args.scenario);
      scenario = valinta::load_scenario(path, args.sets);
    }
  } catch (const valinta::ScenarioError& e) {
    error = e.what();
  } catch (const std::runtime_error& e) {
    error = fmt::format("error: cannot resume: {}", e.what());
  }
  if (const int code = agree(comm, error)) return code;
  const std::uint64_t seed = resume      ? resume->seed
                             : args.seed ? *args.seed
                                         : static_cast<std::uint64_t>(scenario.seed);

  // Refuse a run that cannot fit in memory before allocating anything.
  if (!fits_in_memory(scenario, args.threads)) return kExitBadInput;

  // Rank 0 alone names, creates and writes the results file. No output may be one of the run's
  // inputs, and the checkpoint and the results are two different files.
  std::vector<fs::path> inputs = scenario.inputs;
  if (!args.resume.empty()) inputs.emplace_back(args.resume);
  fs::path out;
  if (comm.root()) {
    out = args.output.empty() ? default_output(scenario.name) : fs::path(args.output);
  }
  std::optional<valinta::TargetFile> checkpoint;
  if (!args.checkpoint.empty()) {
    if (comm.root() && valinta::same_file(args.checkpoint, out)) {
      fmt::print(
          stderr,
          "error: --checkpoint '{}' is also the results file (-o '{}'); give them two different names\n",
          args.checkpoint, out.string());
      return kExitBadInput;
    }
    std::vector<fs::path> forbidden = scenario.inputs;
    try {
      checkpoint.emplace(args.checkpoint, valinta::checkpoint_rules(forbidden));
    } catch (const valinta::TargetRefused& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      return kExitBadInput;
    }
    inputs.emplace_back(args.checkpoint);
  }
  std::optional<valinta::output::H5File> file;
  if (const int code = open_output(file, out, args.overwrite, inputs)) return code;
  try {
    const auto start = std::chrono::steady_clock::now();
    valinta::Simulation sim(scenario, {seed, args.replication, args.threads});
    if (resume) valinta::restore_checkpoint(sim, args.resume);
    // Progress counts every simulated step, the warm-up's first.
    const int steps = static_cast<int>(scenario.total_steps());
    if (!args.quiet && comm.root())
      fmt::print(
          "valinta {}: scenario '{}', {} residents, {} producers, {} steps of {} days{}, seed {}, {} "
          "threads{}{}\n",
          valinta::kVersion, scenario.name, sim.population_size(), sim.producers.size(), scenario.time.steps,
          scenario.time.step_days,
          scenario.warm_up_steps > 0 ? fmt::format(" after {} steps of warm-up", scenario.warm_up_steps) : "",
          seed, sim.threads(), comm.size() > 1 ? fmt::format(" x {} MPI ranks", comm.size()) : "",
          resume ? fmt::format(", resuming after step {}", sim.t) : "");
    Progress progress(Progress::detect(args.quiet || !comm.root()), steps, sim.population_size());
    progress.update(sim.t);
    valinta::RunHooks hooks;
    hooks.after_step = [&progress](const valinta::Simulation& s) { progress.update(s.t); };
    hooks.stop_requested = [&comm] { return stop_signal(comm); };
    if (checkpoint) {
      hooks.checkpoint_every = args.checkpoint_every;
      hooks.write_checkpoint = [&checkpoint](const valinta::Simulation& s) {
        valinta::write_checkpoint(s, *checkpoint);
      };
    }
    const int first_step = sim.t;
    if (const int sig = valinta::run_to_end(sim, hooks); sig != 0) {
      progress.finish();
      if (comm.root()) {
        if (sim.t == first_step)
          fmt::print(stderr, "valinta: stopped by {} before the first step; no results file was written\n",
                     signal_name(sig));
        else
          fmt::print(stderr, "valinta: stopped by {} after step {} of {}; no results file was written{}\n",
                     signal_name(sig), sim.t, steps,
                     args.checkpoint.empty() ? ""
                                             : fmt::format(" (continue with: valinta run --resume {} -o {})",
                                                           args.checkpoint, out.string()));
      }
      return 128 + sig;  // the temporary file is removed as `file` goes out of scope
    }
    progress.finish();
    default_stop_signals();
    const valinta::Summary summary = valinta::summarise(sim);               // collective: every rank
    const valinta::ServicePackage package = valinta::service_package(sim);  // collective: every rank
    // The other ranks of rank 0's machine are done now: their cores compress the results too.
    const int output_threads = sim.threads() * comm.node_size();  // collective: every rank
    if (!comm.root()) return 0;
    valinta::write_results(*file, sim, {cmdline, seed, sim.threads(), comm.size(), output_threads}, summary,
                           package);
    if (!args.rerun_of.empty()) {
      file->attribute("/", "rerun_of", args.rerun_of);
      file->attribute("/", "rerun_of_command_line", args.original_command_line);
    }
    file->commit();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!args.quiet) fmt::print("{}", valinta::format_summary(summary));
    if (args.profile) fmt::print("{}", format_profile(sim.phase_seconds, sim.setup_seconds, seconds));
    if (!args.quiet)
      fmt::print("finished in {:.2f} s\nresults: {}\n", seconds, out.string());
    else
      fmt::print("{}\n", out.string());
    return 0;
  } catch (const valinta::ScenarioError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
}

// `valinta rerun RESULTS.h5`: the run that wrote RESULTS.h5 (or replication r of a replications
// file) again, from what the file holds: its resolved scenario (relative data paths resolve from
// the scenario file it names), seed and replication. Refuses (exit 2) a file of another engine
// version or commit unless `allow_other_engine`, and files of comparisons, sweeps and
// calibrations, which hold many runs of several scenarios.
int rerun(const std::string& results, std::optional<std::int64_t> replication, bool allow_other_engine,
          RunArgs args, const std::string& cmdline) {
  const auto refuse = [&](const std::string& why) {
    if (valinta::parallel::Comm::world().root()) fmt::print(stderr, "error: {}: {}\n", results, why);
    return kExitBadInput;
  };
  if (!fs::is_regular_file(results)) return refuse("no such results file");
  try {
    const valinta::output::H5Input in(results);
    const std::string kind = in.text_attribute("/", "kind").value_or("run");
    if (in.text_attribute("/", "engine") != "valinta") return refuse("not a Valinta results file");
    if (kind != "run" && kind != "replications")
      return refuse(fmt::format(
          "a {} file holds many runs; rerun reproduces a run, or one replication of a `run --replications` "
          "file (run the {} again with the same command: its command line is in the file's attribute "
          "command_line)",
          kind, kind));
    const std::string version = in.text_attribute("/", "engine_version").value_or("?");
    const std::string commit = in.text_attribute("/", "git_commit").value_or("?");
    if ((version != valinta::kVersion || commit != valinta::kGitCommit) && !allow_other_engine)
      return refuse(fmt::format(
          "written by valinta {} (commit {}), this is valinta {} (commit {}); another engine may give other "
          "results. Give --allow-other-engine to run it anyway",
          version, commit, valinta::kVersion, valinta::kGitCommit));
    const auto resolved = in.text("/scenario/resolved");
    const auto seed = in.integer_attribute("/", "seed");
    if (!resolved || !seed) return refuse("damaged: it lacks its resolved scenario or its seed");
    std::int64_t r = in.integer_attribute("/", "replication").value_or(0);
    if (kind == "replications") {
      const std::int64_t count = in.integer_attribute("/", "replications").value_or(0);
      if (!replication)
        return refuse(
            fmt::format("a file of {} replications: say which to rerun with --replication R (0 to {})", count,
                        count - 1));
      if (*replication < 0 || *replication >= count)
        return refuse(fmt::format("--replication {} is not in the file; it has replications 0 to {}",
                                  *replication, count - 1));
      r = *replication;
    } else if (replication && *replication != r) {
      return refuse(fmt::format("the file is replication {} of its run; --replication {} is not in it", r,
                                *replication));
    }
    const std::string source = in.text_attribute("/", "scenario_file").value_or(results);
    args.given = valinta::load_scenario_text(*resolved, source);
    args.given->source = source;
    args.given->source_text = in.text("/scenario/source").value_or(*resolved);
    args.seed = static_cast<std::uint64_t>(*seed);
    args.replication = static_cast<std::uint32_t>(r);
    args.rerun_of = fs::absolute(results).lexically_normal().string();
    args.original_command_line = in.text_attribute("/", "command_line").value_or("");
  } catch (const valinta::ScenarioError& e) {
    if (valinta::parallel::Comm::world().root()) fmt::print(stderr, "{}\n", e.what());
    return refuse("its scenario no longer loads (see above: a data file it reads may have moved or changed)");
  } catch (const std::runtime_error& e) {
    return refuse(e.what());
  }
  return run(args, cmdline);
}

// Options that were given but make no sense as given; "" if none.
std::string option_error(const CLI::App& cmd, const RunArgs& args) {
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"--output", &args.output},
                                    {"--checkpoint", &args.checkpoint},
                                    {"--resume", &args.resume}})
    if (cmd.count(name) > 0 && value->empty())
      return fmt::format("{}: an empty path; give a file name (or leave the option out{})", name,
                         std::string_view(name) == "--output" ? " for a name under results/" : "");
  if (cmd.count("--checkpoint-every") > 0 && args.checkpoint.empty())
    return "--checkpoint-every: only with --checkpoint FILE (it says how often that file is written)";
  if (args.replications > 1 && (!args.checkpoint.empty() || !args.resume.empty()))
    return "--checkpoint and --resume are for a single run, not --replications";
  return {};
}

// Checks every file; with `json`, prints one JSON document for tools instead of the lines:
//   {"files": [{"file": F, "ok": true|false, "errors": [Diagnostic::json(), ...]}, ...], "errors": N}
int validate(const std::vector<std::string>& files, bool json) {
  int status = 0;
  std::vector<std::string> reports;
  std::size_t errors = 0;
  for (const auto& f : files) {
    std::vector<std::string> found;
    try {
      valinta::load_scenario(f);
      if (!json) fmt::print("{}: ok\n", f);
    } catch (const valinta::ScenarioError& e) {
      if (!json) fmt::print(stderr, "{}\n", e.what());
      for (const valinta::Diagnostic& d : e.diagnostics().list()) found.push_back(d.json());
      status = kExitBadInput;
    }
    errors += found.size();
    reports.push_back(fmt::format(R"({{"file": {}, "ok": {}, "errors": [{}]}})", valinta::json_string(f),
                                  found.empty() ? "true" : "false", fmt::join(found, ", ")));
  }
  if (json) fmt::print("{{\"files\": [\n  {}\n], \"errors\": {}}}\n", fmt::join(reports, ",\n  "), errors);
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

// An option's value must be a whole number from `lo` to `hi`; the message says which and why not.
CLI::Validator whole_number(std::int64_t lo, std::int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ptr != end || ec == std::errc::invalid_argument)
          return fmt::format("'{}' is not a whole number; allowed: {} to {}", text, lo, hi);
        if (ec == std::errc::result_out_of_range || value < lo || value > hi)
          return fmt::format("{} is out of range; allowed: {} to {}", text, lo, hi);
        return {};
      },
      fmt::format("INT in [{} - {}]", lo, hi));
}

// The options that `compare` and `sweep` share.
void add_batch_options(CLI::App* cmd, StudyArgs& args, const std::string& file_kind,
                       const std::string& default_file, const std::string& default_seed,
                       const std::string& where, const std::string& quiet) {
  cmd->add_option("-o,--output", args.output,
                  file_kind + " file to write (HDF5; default: " + default_file + ")");
  cmd->add_option("--seed", args.seed, "Random seed (default: " + default_seed + ")")
      ->check(whole_number(0, 4294967295));
  cmd->add_option("--threads", args.threads, "Worker threads (default: all cores)")
      ->check(whole_number(1, 1024));
  cmd->add_option("--set", args.sets, "Override a parameter in " + where + " (repeatable)");
  cmd->add_flag("--overwrite", args.overwrite,
                "Replace the " + CLI::detail::to_lower(file_kind) + " file if it exists");
  cmd->add_flag("-q,--quiet", args.quiet, quiet);
  cmd->add_flag("--profile", args.profile, "Print the wall time spent in each phase");
}

}  // namespace

namespace {
// The bash completion script, on stdout or into `output`, written as results files are (a
// temporary file beside it, synced, then moved there whole): an existing file is replaced only
// with `overwrite`, and nothing else is touched or left behind.
int write_completion(const CLI::App& app, const std::string& output, bool overwrite) {
  const std::string script = bash_completion(app, "valinta");
  if (output.empty()) {
    fmt::print("{}", script);
    return 0;
  }
  std::optional<valinta::TargetFile> target;
  try {
    valinta::TargetRules rules;
    rules.what = "completion script";
    rules.overwrite = overwrite;
    target.emplace(output, rules);
  } catch (const valinta::TargetRefused& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  try {
    write_text_file(*target, script);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  valinta::tune_heap_for_runs();
  // MPI (when built with it) starts before anything else and ends after everything.
  std::optional<valinta::parallel::Session> session;
  try {
    session.emplace(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
  CLI::App app{
      "Valinta: agent-based simulation of freedom-of-choice pilots in social and health care.\n"
      "Residents choose among public, private and third-sector producers under pilot rules;\n"
      "the engine simulates switching, waiting, visits, referrals and costs, and writes one\n"
      "HDF5 results file."};
  app.set_version_flag("--version", fmt::format("valinta {} ({})", valinta::kVersion, valinta::kGitCommit));
  app.require_subcommand(1);

  RunArgs args;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario and write its results file");
  run_cmd->add_option(
      "scenario", args.scenario,
      "Scenario YAML file (default: the built-in Keski-Suomi pilot, scenarios/keski-suomi.yaml)");
  run_cmd->add_option("-o,--output", args.output,
                      "Results file to write (HDF5; default: results/<scenario>-<time>.h5)");
  run_cmd->add_option("--seed", args.seed, "Random seed (default: the scenario's `seed`)")
      ->check(whole_number(0, 4294967295));
  run_cmd
      ->add_option("--threads", args.threads,
                   "Worker threads (default: all cores); results do not depend on it")
      ->check(whole_number(1, 1024));
  run_cmd->add_option("--set", args.sets,
                      "Override a scenario parameter, e.g. --set rules.min_listing_months=12 (repeatable)");
  run_cmd->add_flag("--overwrite", args.overwrite, "Replace the results file if it exists");
  run_cmd->add_flag("-q,--quiet", args.quiet, "Print only the path of the results file");
  run_cmd->add_option("--checkpoint", args.checkpoint,
                      "Write the run's state to this file every --checkpoint-every steps (atomically), and "
                      "when stopped by SIGINT/SIGTERM");
  run_cmd->add_option("--checkpoint-every", args.checkpoint_every, "Steps between checkpoints (default 10)")
      ->check(whole_number(1, 1000000));
  run_cmd->add_option("--resume", args.resume,
                      "Continue a run from its checkpoint; the results equal those of an uninterrupted run");
  run_cmd
      ->add_option("--replications", args.replications,
                   "Run R replications (independent random numbers from the seed) into one file with a "
                   "replication axis, and report the mean and 95 % interval of each summary indicator")
      ->check(whole_number(1, 100000));
  run_cmd->add_flag("--profile", args.profile, "Print the wall time spent in each phase");

  RunArgs rerun_args;
  std::string rerun_file;
  std::optional<std::int64_t> rerun_replication;
  bool allow_other_engine = false;
  CLI::App* rerun_cmd = app.add_subcommand(
      "rerun", "Run again the run that wrote a results file, from the file alone (bit-identical results)");
  rerun_cmd
      ->add_option("results", rerun_file, "Results file of `valinta run` or `valinta run --replications`")
      ->required();
  rerun_cmd->add_option("-o,--output", rerun_args.output,
                        "Results file to write (HDF5; default: results/<scenario>-<time>.h5)");
  rerun_cmd
      ->add_option("--replication", rerun_replication, "Which replication of a replications file (from 0)")
      ->check(whole_number(0, 100000));
  rerun_cmd->add_flag("--allow-other-engine", allow_other_engine,
                      "Run even if the file was written by another engine version or commit");
  rerun_cmd
      ->add_option("--threads", rerun_args.threads,
                   "Worker threads (default: all cores); results do not depend on it")
      ->check(whole_number(1, 1024));
  rerun_cmd->add_flag("--overwrite", rerun_args.overwrite, "Replace the results file if it exists");
  rerun_cmd->add_flag("-q,--quiet", rerun_args.quiet, "Print only the path of the results file");

  StudyArgs compare_args;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Run scenarios side by side with common random numbers and report paired differences");
  compare_cmd
      ->add_option("scenarios", compare_args.scenarios, "Scenario YAML files; the first is the baseline")
      ->required()
      ->expected(2, 1000);
  compare_cmd
      ->add_option("--replications", compare_args.replications,
                   "Replications of each scenario (replication r uses the same seed in every scenario)")
      ->required()
      ->check(whole_number(2, 100000));
  add_batch_options(compare_cmd, compare_args, "Comparison", "results/comparison-<time>.h5",
                    "the baseline scenario's `seed`", "every scenario",
                    "No progress; print the table and the path of the file");
  compare_cmd->add_flag("--by-region", compare_args.by_region,
                        "Also print the service package of every region the zones name (the results file "
                        "holds it either way)");

  StudyArgs sweep_args;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Run a design over scenario parameters (grid, Latin hypercube, Sobol) into one file");
  sweep_cmd->add_option("sweep", sweep_args.scenarios, "Sweep YAML file (see docs/sweeps.md)")
      ->required()
      ->expected(1);
  add_batch_options(sweep_cmd, sweep_args, "Sweep", "results/sweep-<time>.h5",
                    "the sweep's `seed`, else the scenario's", "every run",
                    "No progress; print only the path of the file");

  StudyArgs calibrate_args;
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate",
      "Fit scenario parameters to real targets (method of simulated moments; docs/calibration.md)");
  calibrate_cmd
      ->add_option("calibration", calibrate_args.scenarios, "Calibration YAML file (see docs/calibration.md)")
      ->required()
      ->expected(1);
  add_batch_options(calibrate_cmd, calibrate_args, "Calibration", "results/calibration-<time>.h5",
                    "the calibration's `seed`, else each scenario's", "every run",
                    "No progress; print the tables and the paths of the files");
  calibrate_cmd->add_flag("--resume", calibrate_args.resume,
                          "Continue from the evaluations in the results file given with -o (a stopped "
                          "calibration, or one to take further with a larger budget)");

  std::vector<std::string> validate_files;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check scenario files without running them (exit code 2 if any is bad)");
  validate_cmd->add_option("files", validate_files, "Scenario YAML files")->required();
  bool validate_json = false;
  validate_cmd->add_flag("--json", validate_json,
                         "Print one JSON document instead: every file with ok and its errors (file, line, "
                         "column, key, message), for editors and other tools");

  std::string show_file;
  std::vector<std::string> show_sets;
  CLI::App* show_cmd = app.add_subcommand("show", "Print the fully resolved scenario with every default");
  show_cmd->add_option("file", show_file, "Scenario YAML file")->required();
  show_cmd->add_option("--set", show_sets, "Override a scenario parameter (repeatable)");

  CLI::App* schema_cmd = app.add_subcommand(
      "schema", "Print the JSON Schema of the scenario format (for editors' YAML support)");
  CLI::App* reference_cmd = app.add_subcommand(
      "reference", "Print the scenario reference in Markdown (docs/scenario-reference.md)");

  CLI::App* parameters_cmd = app.add_subcommand(
      "parameters",
      "Print every scenario parameter's declaration as JSON (meaning, unit, range, default, source)");

  std::string completion_shell, completion_output;
  CLI::App* completion_cmd = app.add_subcommand(
      "completion",
      "Print the shell completion script (installed as share/bash-completion/completions/valinta)");
  completion_cmd->add_option("shell", completion_shell, "Shell (bash)")
      ->required()
      ->check(CLI::IsMember({"bash"}));
  completion_cmd->add_option("-o,--output", completion_output, "Write the script to this file instead");
  bool completion_overwrite = false;
  completion_cmd->add_flag("--overwrite", completion_overwrite, "Replace the file named by -o if it exists");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (*run_cmd) {
    if (const std::string error = option_error(*run_cmd, args); !error.empty()) {
      if (valinta::parallel::Comm::world().root()) fmt::print(stderr, "error: {}\n", error);
      return kExitBadInput;
    }
  }
  if (*run_cmd && args.replications > 1) {
    const StudyArgs study{
        args.scenario.empty() ? std::vector<std::string>{} : std::vector<std::string>{args.scenario},
        args.output,
        args.seed,
        args.threads,
        args.replications,
        args.sets,
        args.overwrite,
        args.quiet,
        args.profile,
        command_line(argc, argv)};
    return run_replications(study);
  }
  if (*run_cmd) return run(args, command_line(argc, argv));
  if (*rerun_cmd) {
    if (rerun_cmd->count("--output") > 0 && rerun_args.output.empty()) {
      fmt::print(stderr, "error: --output: an empty path; give a file name (or leave the option out)\n");
      return kExitBadInput;
    }
    return rerun(rerun_file, rerun_replication, allow_other_engine, rerun_args, command_line(argc, argv));
  }
  compare_args.command_line = sweep_args.command_line = calibrate_args.command_line =
      command_line(argc, argv);
  if (*compare_cmd) return compare(compare_args);
  if (*sweep_cmd) return sweep(sweep_args);
  if (*calibrate_cmd) return calibrate(calibrate_args);
  if (*validate_cmd) return validate(validate_files, validate_json);
  if (*show_cmd) return show(show_file, show_sets);
  if (*schema_cmd) {
    fmt::print("{}", valinta::scenario_json_schema());
    return 0;
  }
  if (*reference_cmd) {
    fmt::print("{}", valinta::scenario_reference_markdown());
    return 0;
  }
  if (*parameters_cmd) {
    fmt::print("{}", valinta::scenario_parameters_json());
    return 0;
  }
  if (*completion_cmd) return write_completion(app, completion_output, completion_overwrite);
  return kExitBadInput;
}
