#pragma once
// Reading a scenario: YAML -> a validated Scenario, or a ScenarioError listing every problem.
#include <filesystem>
#include <string>
#include <vector>

#include "valinta/model/scenario.hpp"
#include "valinta/scenario/diagnostics.hpp"

namespace valinta {

// Loads and validates a scenario file. `overrides` are "dotted.key=value" settings applied on
// top of the file (as from `--set`). Throws ScenarioError with every problem found.
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

// The same from YAML text (`file_name` is used in messages and to resolve relative data paths).
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file_name,
                            const std::vector<std::string>& overrides = {});

// Reads a YAML input file (a scenario, or a sweep) with the limits scenarios have: a missing,
// irregular, unreadable or oversized file is reported in `diagnostics`.
std::string read_input_file(const std::filesystem::path& file, Diagnostics& diagnostics);

// The fully resolved scenario as YAML, every default written out.
std::string resolved_yaml(const Scenario& scenario);

// The folder of the example scenarios: $VALINTA_SCENARIOS if set, else share/valinta/scenarios
// of the installed tree (beside bin/ of the executable) or of the build tree (beside the
// executable). Throws ScenarioError (exit code 2) naming where it looked when there is none.
std::filesystem::path scenarios_directory();

// The built-in default scenario file: keski-suomi.yaml of scenarios_directory().
std::filesystem::path default_scenario_path();

}  // namespace valinta
