#include "valinta/scenario/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "valinta/util/json.hpp"

namespace valinta {

std::string Diagnostic::format() const {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}:{}", line, column);
  if (key.empty()) return fmt::format("{}: error: {}", where, message);
  return fmt::format("{}: error: {}: {}", where, key, message);
}

std::string Diagnostic::json() const {
  return fmt::format(R"({{"file": {}, "line": {}, "column": {}, "key": {}, "message": {}}})",
                     json_string(file), line, column, json_string(key), json_string(message));
}

void Diagnostics::error(std::string file, int line, int column, std::string key, std::string message) {
  list_.push_back({std::move(file), line, column, std::move(key), std::move(message)});
}

std::string Diagnostics::format() const {
  constexpr std::size_t kShown = 100;  // a hostile file could produce thousands
  std::string out;
  for (std::size_t k = 0; k < list_.size() && k < kShown; ++k) out += list_[k].format() + "\n";
  if (list_.size() > kShown) out += fmt::format("... and {} more\n", list_.size() - kShown);
  out += fmt::format("{} error{}", list_.size(), list_.size() == 1 ? "" : "s");
  return out;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace valinta
