// What a run may write, and where (util/target_file.hpp), tested through the CLI as a user or an
// adversarial tester would: results files and checkpoints are only ever created or replaced as
// regular files, atomically, never one of the run's own inputs, never the other's file, and never
// over what another program wrote meanwhile; every refusal before a run starts exits with 2 and
// says what is wrong and what is allowed; studies that could not fit in memory are refused up front.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "safety/safety_support.hpp"
#include "support/test_support.hpp"

namespace valinta::test::safety {
namespace {

using namespace std::chrono_literals;

const fs::path kRoot = fs::path(VALINTA_TEST_DIR).parent_path();
const std::string kQuick = " --threads 1 --set time.steps=4 -q";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool is_char_device(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

std::string run_small(const std::string& options) {
  return "run " + shell_quoted(kSmallScenario) + kQuick + " " + options;
}

// Nothing but what the test put there, and no temporary file.
void expect_entries(const fs::path& dir, const std::vector<std::string>& names) {
  EXPECT_EQ(entries(dir), names);
}

// --- only regular files -------------------------------------------------------------------------

TEST(Targets, DevicesFifosAndDirectoriesAreNeverReplaced) {
  const ScratchDir dir("targets-devices");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  fs::create_directory(dir / "folder");
  std::vector<std::string> names = {"fifo", "folder"};
  std::vector<fs::path> targets = {dir / "fifo", dir / "folder"};
  // A device node of the test's own (what /dev/null is), so that a regression cannot replace the
  // machine's /dev/null; making one needs root.
  if (::mknod((dir / "null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {
    names.emplace_back("null");
    targets.push_back(dir / "null");
  }
  for (const fs::path& target : targets) {
    SCOPED_TRACE(target.string());
    for (const std::string& option :
         {"-o " + shell_quoted(target) + " --overwrite",
          "-o " + shell_quoted(dir / "out.h5") + " --checkpoint " + shell_quoted(target)}) {
      const CliResult r = run_cli(run_small(option));
      EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
      EXPECT_TRUE(contains(r.output, "is a character device") || contains(r.output, "is a FIFO") ||
                  contains(r.output, "is a directory"))
          << r.output;
    }
  }
  if (names.size() == 3) EXPECT_TRUE(is_char_device(dir / "null"));
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  EXPECT_TRUE(fs::is_directory(dir / "folder"));
  EXPECT_TRUE(fs::is_empty(dir / "folder"));
  std::sort(names.begin(), names.end());
  expect_entries(dir, names);
  const CliResult r = run_cli(run_small("-o " + shell_quoted(dir / "folder")));
  EXPECT_TRUE(
      contains(r.output, "give the name of a file in it, e.g. " + (dir / "folder" / "out.h5").string()))
      << r.output;
}

// --- checkpoints ----------------------------------------------------------------------------------

TEST(Targets, CheckpointNeverReplacesAFileThatIsNotACheckpoint) {
  const ScratchDir dir("targets-checkpoint-other");
  const fs::path results = dir / "results.h5";
  ASSERT_EQ(run_cli(run_small("-o " + shell_quoted(results))).exit_code, kExitOk);
  const std::string results_bytes = read_bytes(results);
  const fs::path notes = dir / "notes.txt";
  write_bytes(notes, "a user's notes\n");
  for (const fs::path& existing : {results, notes}) {
    for (const std::string& extra : {"", " --overwrite"}) {
      const CliResult r = run_cli(run_small("-o " + shell_quoted(dir / "new.h5") + " --checkpoint " +
                                            shell_quoted(existing) + " --checkpoint-every 1" + extra));
      EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
      EXPECT_TRUE(contains(r.output, "exists and is not a Valinta checkpoint")) << r.output;
    }
  }
  EXPECT_EQ(read_bytes(results), results_bytes);
  EXPECT_EQ(read_bytes(notes), "a user's notes\n");
  expect_entries(dir, {"notes.txt", "results.h5"});

  // A checkpoint is replaced by the next one, and a resumed run may go on writing the one it
  // resumed from.
  const fs::path ck = dir / "run.ckpt";
  ASSERT_EQ(run_cli(run_small("-o " + shell_quoted(dir / "a.h5") + " --checkpoint " + shell_quoted(ck) +
                              " --checkpoint-every 1"))
                .exit_code,
            kExitOk);
  ASSERT_TRUE(fs::is_regular_file(ck));
  const CliResult resumed = run_cli("run --resume " + shell_quoted(ck) + " --checkpoint " + shell_quoted(ck) +
                                    " --checkpoint-every 1 -q -o " + shell_quoted(dir / "b.h5"));
  EXPECT_EQ(resumed.exit_code, kExitOk) << resumed.output;
}

TEST(Targets, CheckpointAndResultsAreTwoFiles) {
  const ScratchDir dir("targets-checkpoint-same");
  fs::create_directory(dir / "sub");
  for (const auto& [ck, out] : std::vector<std::pair<fs::path, fs::path>>{
           {dir / "same.h5", dir / "same.h5"}, {dir / "same.h5", dir / "sub" / ".." / "same.h5"}}) {
    const CliResult r = run_cli(run_small("-o " + shell_quoted(out) + " --checkpoint " + shell_quoted(ck)));
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
    EXPECT_TRUE(contains(r.output, "is also the results file")) << r.output;
  }
  expect_entries(dir, {"sub"});
}

// --- outputs are never inputs ---------------------------------------------------------------------

TEST(Targets, NoOutputIsOneOfTheRunsInputs) {
  const ScratchDir dir("targets-inputs");
  fs::create_directory(dir / "sub");
  write_bytes(dir / "zones.csv",
              "region,municipality,population_2020_12_31,lat,lon\n"
              "Keski-Suomi,North,4000,62.24,25.75\nKeski-Suomi,South,2000,62.40,26.43\n");
  write_bytes(dir / "parent.yaml",
              "name: parent\ntime: {start_date: 2017-02-01, steps: 8, step_days: 7}\n"
              "population: {zones_file: zones.csv}\n");
  write_bytes(dir / "child.yaml", "extends: parent.yaml\nname: child\n");
  fs::create_symlink("child.yaml", dir / "link.yaml");
  write_bytes(dir / "sweep.yaml",
              "scenario: child.yaml\ndesign: grid\nreplications: 1\n"
              "parameters:\n  choice.inertia: {values: [1.0, 2.0]}\n");
  const std::vector<std::string> names = {"child.yaml", "link.yaml",  "parent.yaml",
                                          "sub",        "sweep.yaml", "zones.csv"};
  std::vector<std::string> before;
  for (const auto& n : names)
    if (n != "sub") before.push_back(read_bytes(dir / n));

  const std::string child = shell_quoted(dir / "child.yaml");
  const std::vector<fs::path> inputs = {dir / "child.yaml", dir / "parent.yaml", dir / "zones.csv",
                                        dir / "link.yaml", dir / "sub" / ".." / "parent.yaml"};
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.string());
    const std::string o = " -o " + shell_quoted(input) + " --overwrite -q --threads 1";
    for (const std::string& command :
         {"run " + child + o, "run " + child + " --replications 2" + o,
          "compare " + child + " " + child + " --replications 2" + o,
          "run " + child + o + " --checkpoint " + shell_quoted(dir / "x.ckpt")}) {
      const CliResult r = run_cli(command);
      EXPECT_EQ(r.exit_code, kExitBadInput) << command << "\n" << r.output;
      EXPECT_TRUE(contains(r.output, "is one of this run's inputs")) << r.output;
    }
    const CliResult ck = run_cli("run " + child + " -q --threads 1 -o " + shell_quoted(dir / "r.h5") +
                                 " --checkpoint " + shell_quoted(input));
    EXPECT_EQ(ck.exit_code, kExitBadInput) << ck.output;
  }
  const CliResult sweep = run_cli("sweep " + shell_quoted(dir / "sweep.yaml") + " -q --overwrite -o " +
                                  shell_quoted(dir / "sweep.yaml"));
  EXPECT_EQ(sweep.exit_code, kExitBadInput) << sweep.output;
  const CliResult resume_self = run_cli("run --resume " + shell_quoted(dir / "x.ckpt") + " -o " +
                                        shell_quoted(dir / "x.ckpt") + " --overwrite");
  EXPECT_EQ(resume_self.exit_code, kExitBadInput) << resume_self.output;

  EXPECT_EQ(entries(dir), names);
  std::size_t k = 0;
  for (const auto& n : names)
    if (n != "sub") EXPECT_EQ(read_bytes(dir / n), before[k++]) << n;
}

// --- other writers --------------------------------------------------------------------------------

// Waits until `dir` holds a temporary file (".NAME.tmp-PID") or `run` has ended.
bool wait_for_temporary(const fs::path& dir, BackgroundRun& run) {
  while (run.running()) {
    for (const auto& name : entries(dir))
      if (name.find(".tmp-") != std::string::npos) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

TEST(Targets, ASecondWriterOfTheSameFileIsRefusedUpFront) {
  const ScratchDir dir("targets-two-writers");
  const fs::path out = dir / "r.h5";
  BackgroundRun first({"run", "-o", out.string(), "--threads", "1", "--set", "time.steps=1040", "-q"});
  ASSERT_TRUE(first.started());
  ASSERT_TRUE(wait_for_temporary(dir, first)) << first.output();
  for (const std::string& extra : {"", " --overwrite"}) {
    const CliResult second =
        run_cli("run --threads 1 --set time.steps=30 --seed 5 -q -o " + shell_quoted(out) + extra);
    EXPECT_EQ(second.exit_code, kExitBadInput) << second.output;
    EXPECT_TRUE(contains(second.output, "another process is writing it now")) << second.output;
  }
  const int status = first.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << first.output();
  EXPECT_EQ(first.output(), out.string() + "\n");
  expect_entries(dir, {"r.h5"});
}

// Another program creates (or replaces) the target while a run writes its temporary file: the
// run's rename would destroy that file. It is kept; the results go beside it, and the run says so.
void expect_kept_beside(bool target_exists) {
  const ScratchDir dir(std::string("targets-meanwhile-") + (target_exists ? "replaced" : "created"));
  const fs::path out = dir / "r.h5";
  if (target_exists)
    ASSERT_EQ(run_cli("run " + shell_quoted(kSmallScenario) + kQuick + " -o " + shell_quoted(out)).exit_code,
              0);
  std::vector<std::string> args = {"run", "-o",    out.string(),      "--threads",
                                   "1",   "--set", "time.steps=1040", "-q"};
  if (target_exists) args.emplace_back("--overwrite");
  BackgroundRun run(args);
  ASSERT_TRUE(run.started());
  ASSERT_TRUE(wait_for_temporary(dir, run)) << run.output();
  const std::string theirs = "written by another program while the run was going on\n";
  write_bytes(dir / "theirs.tmp", theirs);
  fs::rename(dir / "theirs.tmp", out);
  ASSERT_TRUE(run.running()) << "the run ended before the other program wrote:\n" << run.output();
  const int status = run.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == kExitFailure) << run.output();
  EXPECT_TRUE(contains(run.output(), "was created or changed by another program")) << run.output();
  EXPECT_TRUE(contains(run.output(), "these results are in " + (dir / "r-2.h5").string())) << run.output();
  EXPECT_EQ(read_bytes(out), theirs);
  expect_entries(dir, {"r-2.h5", "r.h5"});
  EXPECT_EQ(read_bytes(dir / "r-2.h5").substr(0, 4), "\x89HDF");
}

TEST(Targets, AFileCreatedMeanwhileIsNotClobbered) { expect_kept_beside(false); }
TEST(Targets, AFileReplacedMeanwhileIsNotClobbered) { expect_kept_beside(true); }

// Temporary files of runs killed with SIGKILL are removed by the next run aimed at the same file;
// those of a live process are not touched.
TEST(Targets, StaleTemporaryFilesAreRemoved) {
  const ScratchDir dir("targets-stale");
  // A process id that is not running any more: a child that has exited.
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);
  const std::string dead = std::to_string(gone);
  write_bytes(dir / (".run.ckpt.tmp-" + dead), std::string(1 << 20, 'x'));
  write_bytes(dir / (".out.h5.tmp-" + dead), std::string(1 << 20, 'x'));
  // This process is alive, but started long after this file was last written: its id was reused.
  const fs::path reused = dir / (".out.h5.tmp-" + std::to_string(::getpid()));
  write_bytes(reused, "old");
  const timeval old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(::utimes(reused.c_str(), old_times), 0);
  const CliResult r = run_cli(run_small("-o " + shell_quoted(dir / "out.h5") + " --checkpoint " +
                                        shell_quoted(dir / "run.ckpt") + " --checkpoint-every 100"));
  EXPECT_EQ(r.exit_code, kExitOk) << r.output;
  expect_entries(dir, {"out.h5"});
}

// --- options that were given but make no sense ----------------------------------------------------

TEST(Targets, EmptyOrPointlessOptionsAreRefused) {
  const ScratchDir dir("targets-options");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-o ''", "--output: an empty path"},
      {"--checkpoint '' -o " + shell_quoted(dir / "a.h5"), "--checkpoint: an empty path"},
      {"--checkpoint-every 5 -o " + shell_quoted(dir / "a.h5"), "--checkpoint-every: only with --checkpoint"},
      {"--threads two -o " + shell_quoted(dir / "a.h5"),
       "--threads: 'two' is not a whole number; allowed: 1 to 1024"},
      {"--threads 0 -o " + shell_quoted(dir / "a.h5"), "--threads: 0 is out of range; allowed: 1 to 1024"},
      {"--seed x -o " + shell_quoted(dir / "a.h5"),
       "--seed: 'x' is not a whole number; allowed: 0 to 4294967295"},
      {"-o " + shell_quoted(dir / "missing" / "a.h5"),
       "the directory '" + (dir / "missing").string() + "' does not exist"},
  };
  for (const auto& [options, message] : cases) {
    const CliResult r = run_cli(run_small(options));
    EXPECT_EQ(r.exit_code, kExitBadInput) << options << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, message)) << options << "\n" << r.output;
  }
  const CliResult resume = run_cli("run --resume '' -o " + shell_quoted(dir / "a.h5"));
  EXPECT_EQ(resume.exit_code, kExitBadInput) << resume.output;
  expect_entries(dir, {});
  // -o "" once wrote to results/ in the working directory.
  EXPECT_FALSE(fs::exists(dir / "results"));
}

TEST(Targets, ExistingOutputIsBadInput) {
  const ScratchDir dir("targets-exists");
  write_bytes(dir / "a.h5", "mine");
  for (const std::string& command :
       {run_small("-o " + shell_quoted(dir / "a.h5")),
        run_small("--replications 2 -o " + shell_quoted(dir / "a.h5")),
        "compare " + shell_quoted(kSmallScenario) + " " + shell_quoted(kSmallScenario) +
            " --replications 2 --set time.steps=4 -o " + shell_quoted(dir / "a.h5")}) {
    const CliResult r = run_cli(command);
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
    EXPECT_TRUE(contains(r.output, "exists; pass --overwrite to replace it")) << r.output;
  }
  EXPECT_EQ(read_bytes(dir / "a.h5"), "mine");
}

TEST(Targets, QuietPrintsOnlyThePath) {
  const ScratchDir dir("targets-quiet");
  const CliResult r = run_cli(run_small("-o " + shell_quoted(dir / "a.h5")));
  EXPECT_EQ(r.exit_code, kExitOk) << r.output;
  EXPECT_EQ(r.output, (dir / "a.h5").string() + "\n");
  const CliResult reps = run_cli(run_small("--replications 2 -o " + shell_quoted(dir / "b.h5")));
  EXPECT_EQ(reps.output, (dir / "b.h5").string() + "\n");
}

// --- memory of studies ----------------------------------------------------------------------------

TEST(Targets, StudiesThatCannotFitInMemoryAreRefusedUpFront) {
  const ScratchDir dir("targets-memory");
  const CliResult reps =
      run_cli("run --set population.scale=0.001 --replications 100000 -q -o " + shell_quoted(dir / "x.h5"));
  EXPECT_EQ(reps.exit_code, kExitBadInput) << reps.output;
  EXPECT_TRUE(contains(reps.output, "these 100000 runs need about")) << reps.output;
  EXPECT_TRUE(contains(reps.output, "MiB of memory is available")) << reps.output;
  write_bytes(dir / "sweep.yaml", "scenario: " + (kRoot / "scenarios" / "keski-suomi.yaml").string() +
                                      "\ndesign: sobol\npoints: 1000000\nreplications: 1\n"
                                      "set: [population.scale=0.001]\n"
                                      "parameters:\n  choice.inertia: {min: 1.0, max: 3.0}\n");
  const CliResult sweep =
      run_cli("sweep " + shell_quoted(dir / "sweep.yaml") + " -q -o " + shell_quoted(dir / "s.h5"));
  EXPECT_EQ(sweep.exit_code, kExitBadInput) << sweep.output;
  EXPECT_TRUE(contains(sweep.output, "these 1000000 runs need about")) << sweep.output;
  expect_entries(dir, {"sweep.yaml"});
}

// --- compare pairs like with like -----------------------------------------------------------------

TEST(Targets, CompareRefusesScenariosThatCannotBePaired) {
  const ScratchDir dir("targets-compare");
  write_bytes(dir / "seeded.yaml", "extends: " + kSmallScenario.string() + "\nname: seeded\nseed: 99\n");
  write_bytes(dir / "bigger.yaml",
              "extends: " + kSmallScenario.string() +
                  "\nname: bigger\nzones:\n  - {name: North, population: 9000, lat: 62.24, lon: 25.75}\n");
  const std::string base = shell_quoted(kSmallScenario);
  const std::string common =
      " --replications 2 --set time.steps=4 -q --threads 1 -o " + shell_quoted(dir / "c.h5");
  const CliResult seeds = run_cli("compare " + base + " " + shell_quoted(dir / "seeded.yaml") + common);
  EXPECT_EQ(seeds.exit_code, kExitBadInput) << seeds.output;
  EXPECT_TRUE(contains(seeds.output, "'seeded' sets seed 99")) << seeds.output;
  const CliResult regions = run_cli("compare " + base + " " + shell_quoted(dir / "bigger.yaml") + common);
  EXPECT_EQ(regions.exit_code, kExitBadInput) << regions.output;
  EXPECT_TRUE(contains(regions.output, "simulates other residents than the baseline")) << regions.output;
  EXPECT_FALSE(fs::exists(dir / "c.h5"));
  // One seed for all, chosen on the command line: a fair comparison.
  const CliResult chosen =
      run_cli("compare " + base + " " + shell_quoted(dir / "seeded.yaml") + common + " --seed 7");
  EXPECT_EQ(chosen.exit_code, kExitOk) << chosen.output;
}

}  // namespace
}  // namespace valinta::test::safety
