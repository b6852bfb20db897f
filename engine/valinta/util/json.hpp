#pragma once
// JSON text for the documents the engine writes for tools: the scenario format's schema and
// parameters, and the errors `valinta validate --json` reports.
#include <string>

namespace valinta {

// `s` as a JSON string, quotes included: quotes, backslashes and control characters escaped,
// well-formed UTF-8 as it is, and every byte that is not part of it (a file name in another
// encoding) as U+FFFD, so that the result is always valid JSON.
std::string json_string(const std::string& s);

}  // namespace valinta
