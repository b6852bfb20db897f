#pragma once
// Helpers for the command-line tests: scenario files written at test time, file contents,
// the lines of a run's printed summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace valinta::test {

// A fresh_dir() removed at the end of the test, unless the test failed (then kept to look at).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) : path_(fresh_dir(name)) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    if (::testing::Test::HasFailure()) {
      std::cout << "(kept " << path_.string() << " for inspection)\n";
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Shell-quotes one argument for run_cli.
inline std::string quoted(const std::filesystem::path& path) {
  std::string out = "'";
  for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The checked-in example scenarios (scenarios/*.yaml).
inline std::vector<std::filesystem::path> example_scenarios() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(VALINTA_TEST_DIR).parent_path() / "scenarios"))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// The small two-zone region with daily steps, a pilot over both zones and two producers besides
// the public stations, so that switching, queues and every sector happen within 200 days. 6,001
// residents: no number of threads splits them evenly.
inline std::string small_daily_yaml() {
  std::string yaml = small_region_yaml(4001, 2000);
  const std::string weekly = "steps: 52, step_days: 7";
  yaml.replace(yaml.find(weekly), weekly.size(), "steps: 200, step_days: 1");
  return yaml +
         "pilot: {zones: [A, B]}\n"
         "rules: {min_listing_months: 2}\n"
         "choice: {awareness_per_year: 2.0}\n"
         "producers:\n"
         "  - {name: Private A, sector: private, zone: A, capacity_per_week: 60, digital: 0.7}\n"
         "  - {name: Third B, sector: third_sector, zone: B, capacity_per_week: 30}\n";
}

// The summary block a non-quiet run prints (its indented lines), without timings or paths.
inline std::string summary_lines(const std::string& output) {
  std::istringstream in(output);
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("  ", 0) == 0) out += line + "\n";
  return out;
}

// Names of the entries of a directory (to check that nothing, not even a temporary file, was left).
inline std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace valinta::test
