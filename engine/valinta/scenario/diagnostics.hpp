#pragma once
// Errors found in a scenario, collected (never just the first) and printed as
//   scenarios/x.yaml:14:7: error: rules.min_listing_months: must be >= 0 (got -3)
// or, for tools, as JSON (Diagnostic::json).
#include <stdexcept>
#include <string>
#include <vector>

namespace valinta {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string key;
  std::string message;

  std::string format() const;
  // {"file": ..., "line": ..., "column": ..., "key": ..., "message": ...} (line and column 0 when
  // unknown, key "" when the error is not about one key).
  std::string json() const;
};

class Diagnostics {
 public:
  void error(std::string file, int line, int column, std::string key, std::string message);
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  // All errors, one per line, and the count ("3 errors").
  std::string format() const;

 private:
  std::vector<Diagnostic> list_;
};

// Thrown when a scenario cannot be used; carries every error found. The CLI exits with code 2.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(Diagnostics diagnostics)
      : std::runtime_error(diagnostics.format()), diagnostics_(std::move(diagnostics)) {}
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

// The closest of `candidates` to `word` by edit distance, or "" if none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace valinta
