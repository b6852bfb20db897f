// Users' work is safe (docs/architecture.md, "Users' work is safe"), tested through the CLI:
// existing results are never replaced without --overwrite; a run stopped by a signal, killed,
// refused by the file system or by the memory plan leaves no file at the target path; a
// checkpointed run killed at a random step resumes to the same results as an uninterrupted one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "safety/safety_support.hpp"
#include "support/h5_compare.hpp"
#include "support/test_support.hpp"
#include "valinta/run/memory_plan.hpp"

namespace valinta::test::safety {
namespace {

using namespace std::chrono_literals;

// --- existing results ---------------------------------------------------------------------------

TEST(Safety, ExistingResultsAreNeverReplacedWithoutOverwrite) {
  const ScratchDir dir("safety-overwrite");
  const fs::path out = dir / "results.h5";
  std::string precious = "\x89HDF\r\n\x1a\n";  // looks like an HDF5 file: the kind a user would lose
  std::mt19937 random(7);
  for (int k = 0; k < 100000; ++k) precious += static_cast<char>(random());
  write_bytes(out, precious);
  fs::create_symlink(out, dir / "link.h5");

  const std::string run = "run " + shell_quoted(kSmallScenario) + " --threads 1 --set time.steps=4 -o ";
  for (const fs::path& target : {out, dir / "link.h5"}) {
    SCOPED_TRACE(target.string());
    for (const std::string& flags : {"", " -q", " --seed 3"}) {
      const CliResult refused = run_cli(run + shell_quoted(target) + flags);
      EXPECT_NE(refused.exit_code, kExitOk) << refused.output;
      EXPECT_NE(refused.output.find(target.string() + ": exists; pass --overwrite to replace it"),
                std::string::npos)
          << refused.output;
      EXPECT_EQ(refused.output.find("results:"), std::string::npos) << refused.output;
    }
  }
  // A bad scenario aimed at an existing file changes nothing either.
  const CliResult bad =
      run_cli("run " + shell_quoted(kSmallScenario) + " --set time.steps=0 -o " + shell_quoted(out));
  EXPECT_EQ(bad.exit_code, kExitBadInput) << bad.output;

  EXPECT_TRUE(read_bytes(out) == precious) << "the existing file must be byte-identical";
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"link.h5", "results.h5"}));

  const CliResult replaced = run_cli(run + shell_quoted(out) + " --overwrite -q");
  EXPECT_EQ(replaced.exit_code, kExitOk) << replaced.output;
  EXPECT_NE(read_bytes(out), precious);
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"link.h5", "results.h5"}));
}

// --- stopping and killing -------------------------------------------------------------------

// SIGINT or SIGTERM during the run: it stops after the current step with exit code 128 + signal,
// says so, and leaves nothing at the target path (not even its temporary file).
void expect_stops_cleanly(int sig, const std::string& name) {
  const ScratchDir dir("safety-" + name);
  const fs::path out = dir / "out.h5";
  // The default scenario over 20 years: seconds, however fast the machine.
  BackgroundRun run({"run", "-o", out.string(), "--threads", "1", "--set", "time.steps=1040"});
  ASSERT_TRUE(run.started());
  // The handlers are installed first thing; half a second later the run is well into its steps.
  ASSERT_TRUE(run.wait_for_handler(sig))
      << "the run ended before it could be stopped: " << describe_status(run.wait()) << "\n"
      << run.output();
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(run.running()) << "the run ended before it could be stopped:\n" << run.output();
  run.signal(sig);
  const int status = run.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig)
      << describe_status(status) << ", expected exit code " << 128 + sig << "\n"
      << run.output();
  EXPECT_NE(run.output().find("stopped by " + name), std::string::npos) << run.output();
  EXPECT_NE(run.output().find("no results file was written"), std::string::npos) << run.output();
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(entries(dir).empty()) << "left behind: " << (entries(dir).empty() ? "" : entries(dir).front());
}

TEST(Safety, SigintStopsTheRunAndLeavesNoFile) { expect_stops_cleanly(SIGINT, "SIGINT"); }
TEST(Safety, SigtermStopsTheRunAndLeavesNoFile) { expect_stops_cleanly(SIGTERM, "SIGTERM"); }

// A signal that arrives while the scenario is loaded and the residents are built (before the
// first step) stops the run as cleanly as one during the steps. The run installs its handlers
// first thing; the signal is sent the moment they are in place (a fixed delay would sometimes
// land before, while the program itself is still being loaded on a busy machine).
TEST(Safety, SignalDuringStartupStopsTheRunAndLeavesNoFile) {
  const ScratchDir dir("safety-startup-signal");
  const fs::path out = dir / "out.h5";
  BackgroundRun run({"run", "-o", out.string(), "--threads", "1"});
  ASSERT_TRUE(run.started());
  ASSERT_TRUE(run.wait_for_handler(SIGINT))
      << "the run ended before it could be stopped: " << describe_status(run.wait()) << "\n"
      << run.output();
  run.signal(SIGINT);
  const int status = run.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT) << describe_status(status) << "\n"
                                                                        << run.output();
  EXPECT_TRUE(entries(dir).empty()) << "left behind: " << (entries(dir).empty() ? "" : entries(dir).front());
}

// kill -9 cannot be caught: whenever it lands (while loading, building, stepping, writing the
// results or renaming them into place), the target path holds either nothing or the complete
// results. A temporary file may stay, under a name that cannot be mistaken for results, and the
// next run to the same path removes it.
TEST(Safety, KillAtARandomMomentLeavesNoFileAtTheTarget) {
  const ScratchDir dir("safety-kill");
  const fs::path reference = dir / "reference.h5", out = dir / "out.h5";
  const std::vector<std::string> args = {"run",       "-q", "--seed", "5",
                                         "--threads", "1",  "--set",  "population.scale=0.1"};
  std::string reference_run = "run -q -o " + shell_quoted(reference);
  for (std::size_t k = 1; k < args.size(); ++k) reference_run += " " + args[k];
  const auto started = std::chrono::steady_clock::now();
  const CliResult r = run_cli(reference_run);
  ASSERT_EQ(r.exit_code, kExitOk) << r.output;
  const auto duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

  // Moments spread over the whole run and a little beyond, so that some land in the final write.
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<long> delay_ms(0, duration.count() * 6 / 5);
  int killed = 0;
  for (int round = 0; round < 4; ++round) {
    const long delay = delay_ms(random);
    SCOPED_TRACE("kill -9 " + std::to_string(delay) + " ms after the start of a run of about " +
                 std::to_string(duration.count()) + " ms");
    std::vector<std::string> run_args = args;
    run_args.insert(run_args.end(), {"-o", out.string()});
    BackgroundRun run(run_args);
    ASSERT_TRUE(run.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    run.signal(SIGKILL);
    const int status = run.wait();
    killed += WIFSIGNALED(status) ? 1 : 0;
    if (fs::exists(out)) {  // the run had finished (or had just renamed its file into place)
      EXPECT_TRUE(h5_files_equal(reference, out)) << describe_status(status);
      fs::remove(out);
    }
    for (const auto& name : entries(dir))
      if (name != "reference.h5") EXPECT_EQ(name.rfind(".out.h5.tmp-", 0), 0u) << name;
  }
  RecordProperty("runs_killed", killed);
  const CliResult next =
      run_cli("run " + shell_quoted(kSmallScenario) + " --set time.steps=4 -q -o " + shell_quoted(out));
  EXPECT_EQ(next.exit_code, kExitOk) << next.output;
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"out.h5", "reference.h5"}))
      << "stale temporary files must be removed";
}

// --- checkpoints --------------------------------------------------------------------------------

// A checkpointed run killed at a random step after its first checkpoint, then resumed, gives
// results identical in every dataset and attribute to an uninterrupted run (apart from the run's
// own metadata: when, with which command line and how many threads).
TEST(Safety, CheckpointedRunKilledAtARandomStepResumesToIdenticalResults) {
  const ScratchDir dir("safety-resume");
  const fs::path full = dir / "full.h5", resumed = dir / "resumed.h5", checkpoint = dir / "run.ckpt";
  const std::vector<std::string> scenario = {"--set", "population.scale=0.25", "--seed", "11", "--threads",
                                             "1"};

  std::string uninterrupted = "run -q -o " + shell_quoted(full);
  for (const auto& a : scenario) uninterrupted += " " + a;
  const CliResult reference = run_cli(uninterrupted);
  ASSERT_EQ(reference.exit_code, kExitOk) << reference.output;

  std::vector<std::string> args = {
      "run", "-q", "-o", resumed.string(), "--checkpoint", checkpoint.string(), "--checkpoint-every", "5"};
  args.insert(args.end(), scenario.begin(), scenario.end());
  // Killed at a random step, whatever the machine's speed: after the k-th checkpoint (each is a
  // new file renamed into place, so a new inode) and a little more.
  std::mt19937 random(std::random_device{}());
  const int wanted = std::uniform_int_distribution<int>(1, 15)(random);  // of 20 (steps 5 to 100)
  const int jitter_ms = std::uniform_int_distribution<int>(0, 20)(random);
  BackgroundRun run(args);
  ASSERT_TRUE(run.started());
  int seen = 0;
  ino_t last = 0;
  while (seen < wanted && run.running()) {
    struct stat st {};
    if (::stat(checkpoint.c_str(), &st) == 0 && st.st_ino != last) {
      last = st.st_ino;
      ++seen;
    }
    std::this_thread::sleep_for(1ms);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(jitter_ms));
  run.signal(SIGKILL);
  const int status = run.wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << describe_status(status) << " (the run ended before the kill)\n"
                                   << run.output();
  ASSERT_TRUE(fs::exists(checkpoint)) << "no checkpoint was written\n" << run.output();
  EXPECT_FALSE(fs::exists(resumed));

  const CliResult resume =
      run_cli("run --threads 1 --resume " + shell_quoted(checkpoint) + " -o " + shell_quoted(resumed));
  ASSERT_EQ(resume.exit_code, kExitOk) << resume.output;
  std::smatch step;
  ASSERT_TRUE(std::regex_search(resume.output, step, std::regex(R"(resuming after step (\d+))")))
      << resume.output;
  SCOPED_TRACE("killed " + std::to_string(jitter_ms) + " ms after checkpoint " + std::to_string(seen) +
               "; resumed after step " + step[1].str());
  EXPECT_GE(std::stoi(step[1].str()), 5 * seen);
  EXPECT_EQ(std::stoi(step[1].str()) % 5, 0);
  EXPECT_TRUE(h5_files_equal(full, resumed));
}

// A damaged, truncated, empty or foreign checkpoint is refused as bad input, and nothing is written.
TEST(Safety, DamagedOrTruncatedCheckpointIsRefused) {
  const ScratchDir dir("safety-damaged");
  const fs::path checkpoint = dir / "run.ckpt", out = dir / "out.h5";
  const CliResult made =
      run_cli("run -q --threads 1 --set population.scale=0.05 --set time.steps=30 --checkpoint " +
              shell_quoted(checkpoint) + " --checkpoint-every 5 -o " + shell_quoted(dir / "made.h5"));
  ASSERT_EQ(made.exit_code, kExitOk) << made.output;
  const std::string good = read_bytes(checkpoint);
  ASSERT_GT(good.size(), 1000u);
  fs::remove(dir / "made.h5");

  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
  std::string flipped_header = good;
  flipped_header[40] = static_cast<char>(flipped_header[40] ^ 0x01);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"one bit flipped in the state", flipped},
      {"one bit flipped near the start", flipped_header},
      {"truncated to half", good.substr(0, good.size() / 2)},
      {"truncated by one byte", good.substr(0, good.size() - 1)},
      {"empty", ""},
      {"a scenario, not a checkpoint", read_bytes(kSmallScenario)},
  };
  for (const auto& [what, bytes] : cases) {
    SCOPED_TRACE(what);
    const fs::path damaged = dir / "damaged.ckpt";
    write_bytes(damaged, bytes);
    const CliResult r = run_cli("run -q --resume " + shell_quoted(damaged) + " -o " + shell_quoted(out));
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
    EXPECT_NE(r.output.find("cannot resume"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(damaged.string()), std::string::npos) << "the message must name the file:\n"
                                                                  << r.output;
    EXPECT_EQ(entries(dir), (std::vector<std::string>{"damaged.ckpt", "run.ckpt"}));
  }
  // The intact checkpoint still resumes (so the refusals above are about the damage).
  const CliResult r =
      run_cli("run -q --threads 1 --resume " + shell_quoted(checkpoint) + " -o " + shell_quoted(out));
  EXPECT_EQ(r.exit_code, kExitOk) << r.output;
}

// --- the file system says no ----------------------------------------------------------------

// A directory the user cannot write in: a clear error naming it and the reason, a non-zero exit
// code, and no file. (Root may write anywhere, so as root the run is made as user nobody.)
TEST(Safety, UnwritableDirectoryIsAClearErrorAndWritesNothing) {
  const ScratchDir dir("safety-unwritable");
  const fs::path read_only = dir / "read-only", out = read_only / "out.h5";
  fs::create_directory(read_only);
  const auto read_and_enter = fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(dir, read_and_enter | fs::perms::owner_write);  // others must reach the scenario
  fs::permissions(read_only, read_and_enter);
  const fs::path scenario = dir / "small.yaml";
  fs::copy_file(kSmallScenario, scenario);
  fs::permissions(scenario, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);
  std::string as_user;
  if (::geteuid() == 0) {
    if (!fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "running as root without setpriv to drop privileges";
    as_user = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const CliResult r = run_shell(as_user + VALINTA_CLI + " run " + shell_quoted(scenario) +
                                " --set time.steps=4 -o " + shell_quoted(out));
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;  // refused before the run starts
  EXPECT_NE(r.output.find("error: " + out.string() + ": cannot write in directory '" + read_only.string() +
                          "': Permission denied"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("results:"), std::string::npos) << r.output;
  EXPECT_TRUE(entries(read_only).empty());
}

// Over a file-size limit (ulimit -f) the writes fail: a clear error, exit code 1, and neither the
// results file nor its temporary file is left.
TEST(Safety, FileSizeLimitIsAClearErrorAndLeavesNoFile) {
  const ScratchDir dir("safety-fsize");
  const fs::path out = dir / "out.h5";
  // About 780 KB of results (their size depends on producers and steps, not on residents).
  const std::string command = "ulimit -f 200; exec " + std::string(VALINTA_CLI) +
                              " run -q --threads 1 --set population.scale=0.05 -o " + shell_quoted(out);
  const CliResult r = run_shell("/bin/bash -c " + shell_quoted(command));
  EXPECT_EQ(r.exit_code, kExitFailure) << r.output;
  EXPECT_NE(r.output.find("error: " + out.string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << "the reason must be given:\n" << r.output;
  EXPECT_EQ(r.output.find("results:"), std::string::npos) << r.output;
  EXPECT_TRUE(entries(dir).empty()) << "left behind: " << (entries(dir).empty() ? "" : entries(dir).front());
}

// --- the memory plan ------------------------------------------------------------------------

// Two billion residents do not fit: the run is refused before anything is allocated (it returns at
// once, also under a 1 GB address-space limit) with what it needs and what there is.
TEST(Safety, MemoryPlanRefusesARunThatCannotFit) {
  const ScratchDir dir("safety-memory");
  const fs::path scenario = dir / "huge.yaml", out = dir / "out.h5";
  write_bytes(scenario,
              "name: huge\ntime: {steps: 10}\nzones:\n"
              "  - {name: Metropolis, population: 2000000000, lat: 60.17, lon: 24.94}\n");
  const Scenario loaded = load_scenario(scenario);
  const std::int64_t needed = plan_memory(loaded, 2).total(), available = available_memory_bytes();
  if (available < 0 || needed <= available) GTEST_SKIP() << "this machine could hold two billion residents";

  const bool prlimit =
      fs::exists("/usr/bin/prlimit") &&
      run_shell("/usr/bin/prlimit --as=1000000000 " + std::string(VALINTA_CLI) + " --version").exit_code == 0;
  const CliResult r = run_shell(std::string(prlimit ? "/usr/bin/prlimit --as=1000000000 " : "") +
                                VALINTA_CLI + " run " + shell_quoted(scenario) + " -o " + shell_quoted(out));
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex(R"(this run needs about \d+ MiB \(2000000000 residents: \d+ MiB)")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(but only \d+ MiB of memory is available)")))
      << r.output;
  EXPECT_NE(r.output.find("population.scale"), std::string::npos) << "the message must say what to do:\n"
                                                                  << r.output;
  EXPECT_TRUE(entries(dir) == std::vector<std::string>{"huge.yaml"});
}

}  // namespace
}  // namespace valinta::test::safety
