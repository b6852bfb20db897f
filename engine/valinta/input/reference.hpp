#pragma once
// Documents generated from the parameter declarations: the JSON Schema of the scenario format
// (for editors' YAML support) and the Markdown scenario reference (docs/scenario-reference.md).
#include <string>

namespace valinta {

std::string scenario_json_schema();
std::string scenario_reference_markdown();

}  // namespace valinta
