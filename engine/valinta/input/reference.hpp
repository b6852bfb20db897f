#pragma once
// Documents generated from the parameter declarations: the JSON Schema of the scenario format
// (for editors' YAML support) and the Markdown scenario reference (docs/scenario-reference.md).
#include <string>
#include <vector>

namespace valinta {

std::string scenario_json_schema();
std::string scenario_reference_markdown();
// Every scenario parameter's declaration as a JSON array of {key, group, kind, meaning, unit,
// default, min, max, min_open, choices, list_length, auto_allowed, source} (for tools).
std::string scenario_parameters_json();
// Every scenario parameter's dotted key (as --set takes it), in declaration order.
std::vector<std::string> scenario_parameter_keys();

}  // namespace valinta
