#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace valinta::cli {

Progress::Mode Progress::detect(bool quiet) {
  if (quiet) return Mode::quiet;
  return isatty(fileno(stderr)) ? Mode::terminal : Mode::lines;
}

Progress::Progress(Mode mode, std::int64_t total_steps, std::int64_t residents)
    : mode_(mode), total_(total_steps), residents_(residents) {}

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || std::isinf(seconds)) return "?";
  const auto s = static_cast<std::int64_t>(std::llround(seconds));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

std::string Progress::status(std::int64_t done, double seconds) const {
  const double counted = static_cast<double>(done - start_done_);
  const double rate = seconds > 0 ? counted / seconds : 0;  // steps per second
  std::string text = label_.empty() ? "" : label_ + ", ";
  text += fmt::format("step {}/{} ({:.0f} %)", done, total_,
                      100.0 * static_cast<double>(done) / static_cast<double>(total_));
  if (counted > 0 && seconds > 0) {
    text += fmt::format(", {:.1f} steps/s, {:.1f} M resident-steps/s", rate,
                        rate * static_cast<double>(residents_) / 1e6);
    if (done < total_)
      text += ", about " + format_duration(static_cast<double>(total_ - done) / rate) + " left";
  }
  return text;
}

void Progress::update(std::int64_t done) {
  if (mode_ == Mode::quiet || total_ <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (start_done_ < 0) {
    // The first update starts the clock, so that set-up and resumed steps do not count in the rate.
    start_done_ = done;
    start_ = now;
    last_tenth_ = static_cast<int>(10 * done / total_);
    if (mode_ == Mode::lines) return;
  }
  const double seconds = std::chrono::duration<double>(now - start_).count();
  if (mode_ == Mode::terminal) {
    if (drawn_ && done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(kWidth * done / total_);
    fmt::print(stderr, "\r  [{}{}] {}\033[K", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(kWidth - filled), '.'), status(done, seconds));
    std::fflush(stderr);
    last_draw_ = now;
    drawn_ = true;
    return;
  }
  const int tenth = static_cast<int>(10 * done / total_);
  if (tenth > last_tenth_) {
    last_tenth_ = tenth;
    fmt::print(stderr, "valinta: {}\n", status(done, seconds));
    std::fflush(stderr);
  }
}

void Progress::finish() {
  if (mode_ == Mode::terminal && drawn_) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace valinta::cli
