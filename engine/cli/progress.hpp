#pragma once
// Progress of a run or a batch of runs on stderr: a bar with step, rate and remaining time on a
// terminal, plain lines at every tenth of the work otherwise, nothing when quiet.
#include <chrono>
#include <cstdint>
#include <string>

namespace valinta::cli {

class Progress {
 public:
  enum class Mode { quiet, terminal, lines };
  // quiet if asked; a bar if stderr is a terminal; lines otherwise.
  static Mode detect(bool quiet);

  // `total_steps`: steps of all runs together; `residents`: residents per run (for the rate).
  Progress(Mode mode, std::int64_t total_steps, std::int64_t residents);
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Names the run under way in a batch (e.g. "replication 2/5"); empty for a single run.
  void label(std::string text) { label_ = std::move(text); }
  void residents(std::int64_t n) { residents_ = n; }
  // `done` steps of `total_steps` are complete.
  void update(std::int64_t done);
  // Clears the bar (a terminal); idempotent.
  void finish();

 private:
  std::string status(std::int64_t done, double seconds) const;
  Mode mode_;
  std::int64_t total_;
  std::int64_t residents_;
  std::string label_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  std::int64_t start_done_ = -1;  // steps already done when counting began (a resumed run)
  int last_tenth_ = 0;
  bool drawn_ = false;
};

// "3 min 20 s", "12 s", "1 h 05 min".
std::string format_duration(double seconds);

}  // namespace valinta::cli
