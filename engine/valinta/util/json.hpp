#pragma once
// JSON text for the documents the engine writes for tools: the scenario format's schema and
// parameters, and the errors `valinta validate --json` reports.
#include <string>

namespace valinta {

// `s` as a JSON string, quotes included: quotes, backslashes and control characters escaped, other
// bytes (UTF-8) as they are.
std::string json_string(const std::string& s);

}  // namespace valinta
