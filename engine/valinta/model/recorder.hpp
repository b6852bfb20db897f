#pragma once
// The indicator series of a run (M9), one row per step, kept in memory until the run ends.
// Names follow docs/ODD.md section 9: n_ stocks, new_ flows per step, cum_ cumulative totals.
#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "valinta/util/column.hpp"

namespace valinta {

struct State;

class Recorder {
 public:
  struct Series {
    // The memory of the rows when the recorder made the series (declared first: it outlives them).
    std::shared_ptr<std::pmr::memory_resource> storage;
    std::string name;
    std::vector<std::string> dims;  // after the leading "step" dimension
    std::string units;
    std::string long_name;
    bool integer = false;
    std::pmr::vector<double> real;
    std::pmr::vector<std::int64_t> count;
    std::size_t row_length = 0;
  };

  void start(const State& sim);
  // Appends this step's row of the indicator `name` (declared in model/indicators.hpp, which gives
  // its dimensions, unit and meaning; created on first use, in that order). An undeclared name,
  // or a row of the other kind, throws std::logic_error.
  void append(const std::string& name, std::span<const std::int64_t> row);
  void append(const std::string& name, std::span<const double> row);
  void append(const std::string& name, std::int64_t value);
  void append(const std::string& name, double value);

  const std::vector<Series>& series() const { return series_; }
  // The series of that name, or nullptr if none was recorded (yet).
  const Series* find(const std::string& name) const;
  // The series of that name, which must exist: a name that was never recorded (a typo) throws
  // std::out_of_range naming it, instead of reading as zero.
  const Series& at(const std::string& name) const;
  std::size_t steps() const { return steps_; }
  // Ends a step's rows. After the first, every series exists: the memory for all their rows is
  // reserved in the arena and faulted in at once, on the run's threads (HugeArena::reserve).
  void end_step();
  // Hands over everything recorded, leaving the recorder empty (a finished run's series).
  std::vector<Series> take_series() {
    index_.clear();
    steps_ = 0;
    return std::move(series_);
  }
  // Replaces everything recorded (resuming from a checkpoint).
  void restore(std::vector<Series> series, std::size_t steps);

 private:
  // A new, empty series: in this run's arena with room for all its rows, or (not `in_arena`) in
  // ordinary memory with room for one.
  Series make_series(const std::string& name, const std::vector<std::string>& dims, const std::string& units,
                     const std::string& long_name, bool integer, std::size_t row_length, bool in_arena) const;
  Series& get(const std::string& name, const std::vector<std::string>& dims, const std::string& units,
              const std::string& long_name, bool integer, std::size_t row_length);
  std::vector<Series> series_;
  std::map<std::string, std::size_t> index_;
  std::size_t steps_ = 0;
  std::size_t run_steps_ = 0;  // steps of the whole run: a new series reserves room for all its rows
  // Where a run's series keep their rows, in huge pages (util/column.hpp); shared with the series
  // handed over, which may outlive the recorder.
  std::shared_ptr<HugeArena> arena_;
};

}  // namespace valinta
