#pragma once
// Helpers shared by the tests: small scenarios written inline, and running the CLI.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "valinta/input/loader.hpp"

namespace valinta::test {

// A scenario from YAML text; relative data paths resolve against the tests directory. The tests
// of a mechanism step through its timeline from the recorded start, so their scenarios have no
// warm-up (docs/ODD.md 5.2) unless the text sets time.warm_up_weeks itself.
inline Scenario scenario_from_yaml(const std::string& yaml) {
  const std::vector<std::string> no_warm_up = {"time.warm_up_weeks=0"};
  return load_scenario_text(
      yaml, std::filesystem::path(VALINTA_TEST_DIR) / "inline.yaml",
      yaml.find("warm_up_weeks") == std::string::npos ? no_warm_up : std::vector<std::string>{});
}

// A small two-zone region (no data files) plus `extra` YAML appended at the top level.
inline std::string small_region_yaml(int population_a = 4000, int population_b = 2000) {
  return "name: small\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: " +
         std::to_string(population_a) +
         ", lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: " +
         std::to_string(population_b) + ", lat: 62.40, lon: 26.43}\n";
}

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command, capturing its standard output and error together.
inline CliResult run_shell(const std::string& command) {
  CliResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Runs the valinta executable with `args` (a shell-quoted string).
inline CliResult run_cli(const std::string& args) { return run_shell(std::string(VALINTA_CLI) + " " + args); }

// A fresh empty directory under the build tree's temporary area.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("valinta-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace valinta::test
