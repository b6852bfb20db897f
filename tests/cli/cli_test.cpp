// The command line (engine/cli/main.cpp) as users meet it: help, bad input (exit code 2, every
// message at file:line:col naming the key, and no output file), never replacing results without
// --overwrite, unwritable output paths, `validate` on the examples and `show` round trips.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_helpers.hpp"
#include "support/h5_compare.hpp"
#include "support/test_support.hpp"
#include "valinta/version.hpp"

namespace valinta::test {
namespace {

namespace fs = std::filesystem;

constexpr int kExitBadInput = 2;

// A valid one-zone scenario that runs in milliseconds.
const std::string kTinyScenario =
    "name: tiny\n"
    "time: {start_date: 2017-02-01, steps: 30, step_days: 7}\n"
    "zones:\n"
    "  - {name: A, population: 500, lat: 62.24, lon: 25.75}\n"
    "pilot: {zones: [A]}\n";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string regex_escape(const std::string& s) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(s, special, R"(\$&)");
}

// --- help ------------------------------------------------------------------------------------

// The subcommands and the option names of each ("" for the top level), as declared in
// engine/cli/main.cpp, so that an option added later is checked too.
std::map<std::string, std::vector<std::string>> declared_options() {
  const std::string source =
      read_text(fs::path(VALINTA_TEST_DIR).parent_path() / "engine" / "cli" / "main.cpp");
  std::map<std::string, std::string> variable_to_command;
  std::map<std::string, std::vector<std::string>> options;
  const std::regex subcommand(R"re(CLI::App\*\s+(\w+)\s*=\s*app\.add_subcommand\(\s*"([^"]+)")re");
  for (std::sregex_iterator it(source.begin(), source.end(), subcommand), end; it != end; ++it) {
    variable_to_command[(*it)[1]] = (*it)[2];
    options[""].push_back((*it)[2]);
  }
  const std::regex option(R"re((\w+)->add_(?:option|flag)\(\s*"([^"]+)")re");
  for (std::sregex_iterator it(source.begin(), source.end(), option), end; it != end; ++it) {
    const auto command = variable_to_command.find((*it)[1]);
    if (command == variable_to_command.end()) continue;
    std::stringstream names((*it)[2].str());
    for (std::string name; std::getline(names, name, ',');) options[command->second].push_back(name);
  }
  return options;
}

TEST(Cli, HelpMentionsEverySubcommandAndOption) {
  std::map<std::string, std::vector<std::string>> expected = declared_options();
  // What the command line offers at least (also if the declarations above were not found).
  for (const char* word : {"run", "validate", "show", "--help", "--version"}) expected[""].push_back(word);
  for (const char* word :
       {"scenario", "-o", "--output", "--seed", "--threads", "--set", "--overwrite", "-q", "--quiet"})
    expected["run"].push_back(word);
  expected["validate"].push_back("files");
  for (const char* word : {"file", "--set"}) expected["show"].push_back(word);
  ASSERT_GE(expected["run"].size(), 2 * 9u) << "no options found in engine/cli/main.cpp";

  for (const auto& [command, words] : expected) {
    const std::string args = command.empty() ? "--help" : command + " --help";
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << "valinta " << args << "\n" << r.output;
    for (const std::string& word : words)
      EXPECT_TRUE(std::regex_search(r.output, std::regex("(^|[\\s,])" + regex_escape(word) + "([\\s,]|$)")))
          << "valinta " << args << " does not mention " << word << ":\n"
          << r.output;
  }
}

TEST(Cli, VersionNamesTheEngineVersion) {
  const CliResult r = run_cli("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, kVersion)) << r.output;
}

TEST(Cli, BadCommandLinesAreBadInput) {
  const ScratchDir scratch("cli-args");
  const fs::path& dir = scratch.path();
  write_text(dir / "tiny.yaml", kTinyScenario);
  const std::string tiny = quoted(dir / "tiny.yaml"), out = " -o " + quoted(dir / "out.h5");
  const std::vector<std::string> command_lines = {"",
                                                  "frobnicate",
                                                  "run " + tiny + out + " --bogus",
                                                  "run " + tiny + out + " --threads 0",
                                                  "run " + tiny + out + " --seed -1",
                                                  "run " + tiny + out + " --seed lots",
                                                  "validate"};
  for (const std::string& args : command_lines) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, kExitBadInput) << "valinta " << args << "\n" << r.output;
    EXPECT_FALSE(r.output.empty()) << "valinta " << args << " must say what is wrong";
  }
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
  EXPECT_EQ(entries(dir), std::vector<std::string>{"tiny.yaml"});
}

// --- bad scenarios -------------------------------------------------------------------------

struct BadScenario {
  std::string name;
  std::string yaml;      // written to bad.yaml
  std::string sets;      // extra --set arguments for `run` (then `validate` is not tried)
  std::string location;  // a regex for what the message must begin a line with; "@" is the file
  std::string message;   // a part of the message after the location
};

const std::string kZoneA = "zones:\n  - {name: A, population: 40, lat: 62.24, lon: 25.75}\n";

std::vector<BadScenario> bad_scenarios() {
  return {
      {"unknown key", "name: bad\ntime:\n  stepz: 3\n" + kZoneA, "", R"(@:3:\d+: error: time\.stepz: )",
       "unknown key; did you mean 'time.steps'?"},
      {"out-of-range value", "name: bad\n" + kZoneA + "rules:\n  max_switches_per_year: -1\n", "",
       R"(@:5:\d+: error: rules\.max_switches_per_year: )", "must be between 0 and 52"},
      {"wrong kind of value", "name: bad\n" + kZoneA + "choice:\n  inertia: [1, 2]\n", "",
       R"(@:5:\d+: error: choice\.inertia: )", "must be a number"},
      {"YAML syntax error", "name: bad\ntime: {steps: 3\n" + kZoneA, "", R"(@:\d+:\d+: error: )", "YAML"},
      {"unknown pilot zone", "name: bad\n" + kZoneA + "pilot:\n  zones: [A, Bee]\n", "",
       R"(@:5:\d+: error: pilot\.zones\[1\]: )", "unknown zone 'Bee'"},
      {"duplicate key", "name: bad\n" + kZoneA + "name: again\n", "", R"(@:4:1: error: name: )",
       "duplicate key"},
      {"unknown --set key", kTinyScenario, "--set time.stepz=3", R"(--set(:\d+:\d+)?: error: time\.stepz: )",
       "unknown key"},
      {"out-of-range --set", kTinyScenario, "--set rules.max_switches_per_year=99",
       R"(--set(:\d+:\d+)?: error: rules\.max_switches_per_year: )", "must be between 0 and 52"},
      {"malformed --set", kTinyScenario, "--set nonsense", R"(--set(:\d+:\d+)?: error: nonsense: )",
       "KEY=VALUE"},
  };
}

void expect_reported(const CliResult& r, const BadScenario& c, const fs::path& file,
                     const std::string& command) {
  EXPECT_EQ(r.exit_code, kExitBadInput) << c.name << ": " << command << "\n" << r.output;
  std::string location = c.location;
  if (const auto at = location.find('@'); at != std::string::npos)
    location.replace(at, 1, regex_escape(file.string()));
  const std::regex pattern("(^|\n)" + location + "[^\n]*" + regex_escape(c.message));
  EXPECT_TRUE(std::regex_search(r.output, pattern))
      << c.name << ": " << command << "\nexpected a line matching: " << location << "..." << c.message
      << "\ngot:\n"
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"((^|\n)\d+ errors?\s*$)")))
      << c.name << ": the error count must end the message:\n"
      << r.output;
}

TEST(Cli, BadScenarioIsReportedAtItsKeyAndWritesNothing) {
  int index = 0;
  for (const BadScenario& c : bad_scenarios()) {
    SCOPED_TRACE(c.name);
    const ScratchDir scratch("cli-bad-" + std::to_string(index++));
    const fs::path& dir = scratch.path();
    const fs::path file = dir / "bad.yaml", out = dir / "out.h5";
    write_text(file, c.yaml);
    const std::string run = "run " + quoted(file) + " -o " + quoted(out) + " " + c.sets;
    expect_reported(run_cli(run), c, file, run);
    EXPECT_EQ(entries(dir), std::vector<std::string>{"bad.yaml"}) << "no output (not even a temporary file)";
    if (c.sets.empty()) {
      expect_reported(run_cli("validate " + quoted(file)), c, file, "validate");
      expect_reported(run_cli("show " + quoted(file)), c, file, "show");
    } else {
      expect_reported(run_cli("show " + quoted(file) + " " + c.sets), c, file, "show " + c.sets);
    }
  }
}

TEST(Cli, EveryErrorInAScenarioIsReportedAtOnce) {
  const ScratchDir scratch("cli-errors");
  const fs::path& dir = scratch.path();
  const fs::path file = dir / "bad.yaml";
  write_text(file, "name: bad\ntime:\n  stepz: 3\n" + kZoneA +
                       "rules:\n  max_switches_per_year: -1\n"
                       "pilot:\n  zones: [Bee]\n");
  const CliResult r = run_cli("validate " + quoted(file));
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  for (const char* key : {"time.stepz", "rules.max_switches_per_year", "pilot.zones[0]"})
    EXPECT_TRUE(contains(r.output, std::string(": error: ") + key + ":")) << key << "\n" << r.output;
  EXPECT_TRUE(contains(r.output, "3 errors")) << r.output;
}

TEST(Cli, MissingScenarioFileIsBadInput) {
  const ScratchDir scratch("cli-missing");
  const fs::path& dir = scratch.path();
  const fs::path file = dir / "no-such.yaml", out = dir / "out.h5";
  for (const std::string& command :
       {"run " + quoted(file) + " -o " + quoted(out), "validate " + quoted(file), "show " + quoted(file)}) {
    const CliResult r = run_cli(command);
    EXPECT_EQ(r.exit_code, kExitBadInput) << command << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, file.string() + ": error: ")) << r.output;
    EXPECT_TRUE(contains(r.output, "no such scenario file")) << r.output;
  }
  EXPECT_TRUE(entries(dir).empty());
}

// A value outside its range must be reported once and never used: later checks (or the model)
// must not see it. (Before c5a9ce2 a step of 0 days divided by zero in validate_scenario,
// SIGFPE, and `time.steps: -3` added a second, misleading error about the pilot start date.)
TEST(Cli, OutOfRangeValueIsReportedAloneAndNeverUsed) {
  const ScratchDir scratch("cli-range");
  const fs::path& dir = scratch.path();
  const fs::path file = dir / "bad.yaml", out = dir / "out.h5";
  for (const char* time : {"time:\n  step_days: 0\n", "time:\n  steps: -3\n"}) {
    SCOPED_TRACE(time);
    write_text(file, std::string("name: bad\n") + time + kZoneA);
    const CliResult r = run_cli("run " + quoted(file) + " -o " + quoted(out));
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
    EXPECT_TRUE(
        std::regex_search(r.output, std::regex(regex_escape(file.string()) + R"(:3:\d+: error: time\.step)")))
        << r.output;
    EXPECT_TRUE(contains(r.output, "\n1 error")) << r.output;
    EXPECT_FALSE(fs::exists(out));
  }
}

// --- never losing results --------------------------------------------------------------------

TEST(Cli, ExistingResultsAreReplacedOnlyWithOverwrite) {
  const ScratchDir scratch("cli-overwrite");
  const fs::path& dir = scratch.path();
  const fs::path scenario = dir / "tiny.yaml", out = dir / "results.h5";
  write_text(scenario, kTinyScenario);
  const std::string precious = "results of last week's run\n";
  write_text(out, precious);

  const CliResult refused = run_cli("run " + quoted(scenario) + " -o " + quoted(out) + " --threads 1");
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_TRUE(contains(refused.output, out.string())) << refused.output;
  EXPECT_TRUE(contains(refused.output, "--overwrite")) << "the message must say how to replace it:\n"
                                                       << refused.output;
  EXPECT_EQ(read_text(out), precious);
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"results.h5", "tiny.yaml"}));

  const CliResult replaced =
      run_cli("run " + quoted(scenario) + " -o " + quoted(out) + " --threads 1 --overwrite");
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(read_text(out).rfind("\x89HDF\r\n\x1a\n", 0), 0u) << "the file must now be the new results";
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"results.h5", "tiny.yaml"}));
}

TEST(Cli, UnwritableOutputIsAClearErrorAndWritesNothing) {
  const ScratchDir scratch("cli-unwritable");
  const fs::path& dir = scratch.path();
  const fs::path scenario = dir / "tiny.yaml";
  write_text(scenario, kTinyScenario);
  write_text(dir / "a-file", "");
  std::vector<std::pair<fs::path, std::string>> cases = {
      {"/nonexistent/dir/x.h5", "/nonexistent/dir"},         // no such directory
      {dir / "a-file" / "x.h5", (dir / "a-file").string()},  // a file where the directory should be
  };
  if (::geteuid() != 0) {  // root may write anywhere
    fs::create_directory(dir / "read-only");
    fs::permissions(dir / "read-only", fs::perms::owner_read | fs::perms::owner_exec);
    cases.emplace_back(dir / "read-only" / "x.h5", (dir / "read-only").string());
  }
  for (const auto& [out, names] : cases) {
    const CliResult r = run_cli("run " + quoted(scenario) + " -o " + quoted(out));
    EXPECT_NE(r.exit_code, 0) << out << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "error")) << r.output;
    EXPECT_TRUE(contains(r.output, names)) << "the message must name the directory:\n" << r.output;
    EXPECT_FALSE(contains(r.output, "results:")) << r.output;
    EXPECT_FALSE(fs::exists(out));
  }
  if (fs::exists(dir / "read-only")) {
    EXPECT_TRUE(entries(dir / "read-only").empty());
    fs::permissions(dir / "read-only", fs::perms::owner_all);
  }
  EXPECT_FALSE(fs::exists("/nonexistent"));
}

// --- completion -------------------------------------------------------------------------------

// `completion bash -o FILE` writes the script like a results file: a new file at once, an existing
// one only with --overwrite, and no other file touched (it once wrote through FILE.tmp, a name a
// user's own file may have).
TEST(Cli, CompletionFileIsWrittenWholeAndReplacedOnlyWhenAsked) {
  const ScratchDir scratch("cli-completion");
  const fs::path& dir = scratch.path();
  const fs::path script = dir / "valinta.bash";
  write_text(dir / "valinta.bash.tmp", "a user's own file\n");
  const CliResult first = run_cli("completion bash -o " + quoted(script));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::string text = read_text(script);
  EXPECT_TRUE(contains(text, "complete -F")) << text.substr(0, 200);
  EXPECT_EQ(text, run_cli("completion bash").output);

  write_text(script, "edited\n");
  const CliResult again = run_cli("completion bash -o " + quoted(script));
  EXPECT_EQ(again.exit_code, kExitBadInput) << again.output;
  EXPECT_TRUE(contains(again.output, "--overwrite")) << again.output;
  EXPECT_EQ(read_text(script), "edited\n");

  const CliResult replaced = run_cli("completion bash -o " + quoted(script) + " --overwrite");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(read_text(script), text);
  EXPECT_EQ(read_text(dir / "valinta.bash.tmp"), "a user's own file\n");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 2u) << "a temporary file was left behind";

  const CliResult into_directory = run_cli("completion bash -o " + quoted(dir));
  EXPECT_EQ(into_directory.exit_code, kExitBadInput) << into_directory.output;
}

// --- validate and show -------------------------------------------------------------------------

TEST(Cli, EveryExampleScenarioValidates) {
  const std::vector<fs::path> scenarios = example_scenarios();
  ASSERT_FALSE(scenarios.empty());
  std::string args = "validate";
  for (const auto& s : scenarios) args += " " + quoted(s);
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const auto& s : scenarios) EXPECT_TRUE(contains(r.output, s.string() + ": ok")) << r.output;
}

TEST(Cli, ValidateChecksEveryFileAndFailsIfAnyIsBad) {
  const ScratchDir scratch("cli-validate");
  const fs::path& dir = scratch.path();
  write_text(dir / "good.yaml", kTinyScenario);
  write_text(dir / "bad.yaml", "name: bad\ntime:\n  stepz: 3\n" + kZoneA);
  const CliResult r = run_cli("validate " + quoted(dir / "bad.yaml") + " " + quoted(dir / "good.yaml"));
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  EXPECT_TRUE(contains(r.output, (dir / "good.yaml").string() + ": ok")) << r.output;
  EXPECT_TRUE(contains(r.output, (dir / "bad.yaml").string() + ":3:")) << r.output;
}

TEST(Cli, ShowWritesOutEveryDefaultAndOverride) {
  const ScratchDir scratch("cli-show");
  const fs::path& dir = scratch.path();
  write_text(dir / "tiny.yaml", kTinyScenario);
  const CliResult r = run_cli("show " + quoted(dir / "tiny.yaml") + " --set rules.max_switches_per_year=5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* part : {"name: \"tiny\"", "seed: 1", "step_days: 7", "max_switches_per_year: 5",
                           "care_guarantee_days:", "capacity_ratio:", "{name: \"A\", population: 500"})
    EXPECT_TRUE(contains(r.output, part)) << part << " missing from:\n" << r.output;
}

// `valinta show` output is itself a scenario: showing it again gives the same text, and running
// it gives the same results as running the original.
void expect_show_round_trips(const std::string& original_args, const fs::path& dir) {
  const CliResult shown = run_cli("show " + original_args);
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  const fs::path shown_file = dir / "shown.yaml";
  write_text(shown_file, shown.output);
  const CliResult again = run_cli("show " + quoted(shown_file));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output, shown.output) << "show must be idempotent";

  const CliResult original_run =
      run_cli("run " + original_args + " -o " + quoted(dir / "original.h5") + " --threads 1");
  ASSERT_EQ(original_run.exit_code, 0) << original_run.output;
  const CliResult shown_run =
      run_cli("run " + quoted(shown_file) + " -o " + quoted(dir / "shown.h5") + " --threads 1");
  ASSERT_EQ(shown_run.exit_code, 0) << shown_run.output;
  ASSERT_FALSE(summary_lines(original_run.output).empty()) << original_run.output;
  EXPECT_EQ(summary_lines(shown_run.output), summary_lines(original_run.output));

  H5CompareOptions options;  // the same results; only where the scenario came from differs
  options.ignored_attributes["/"].insert("scenario_file");
  options.ignored_objects.insert("/scenario/source");
  EXPECT_TRUE(h5_files_equal(dir / "original.h5", dir / "shown.h5", options));
}

TEST(Cli, ShowOutputOfSmallScenarioRunsAgainTheSame) {
  const ScratchDir scratch("cli-show-small");
  const fs::path& dir = scratch.path();
  write_text(dir / "small.yaml", small_daily_yaml());
  expect_show_round_trips(quoted(dir / "small.yaml"), dir);
}

TEST(Cli, ShowOutputOfDefaultScenarioRunsAgainTheSame) {
  const ScratchDir scratch("cli-show-default");
  expect_show_round_trips(quoted(fs::path(VALINTA_TEST_DIR).parent_path() / "scenarios" / "keski-suomi.yaml"),
                          scratch.path());
}

}  // namespace
}  // namespace valinta::test
