#include "valinta/model/recorder.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

#include "valinta/model/indicators.hpp"
#include "valinta/model/state.hpp"

namespace valinta {

void Recorder::start(const State& sim) {
  series_.clear();
  index_.clear();
  steps_ = 0;
  run_steps_ = static_cast<std::size_t>(std::max<std::int64_t>(0, sim.scenario.time.steps));
  arena_ = std::make_shared<HugeArena>(sim.threads());  // rows' memory is faulted in on the run's threads
}

Recorder::Series Recorder::make_series(const std::string& name, const std::vector<std::string>& dims,
                                       const std::string& units, const std::string& long_name, bool integer,
                                       std::size_t row_length, bool in_arena) const {
  // The rows' vectors are made with the arena (a vector assigned later would keep its own), with
  // room for all the run's rows: a series that grew step by step would be copied (and its new
  // memory faulted in) every time its capacity doubled. Series of the first step hold its row in
  // ordinary memory until the step ends (end_step).
  in_arena = in_arena && arena_;
  std::pmr::memory_resource* const memory = in_arena ? arena_.get() : std::pmr::get_default_resource();
  Series s{.storage = arena_,
           .name = name,
           .dims = dims,
           .units = units,
           .long_name = long_name,
           .integer = integer,
           .real = std::pmr::vector<double>(memory),
           .count = std::pmr::vector<std::int64_t>(memory),
           .row_length = row_length};
  const std::size_t rows = in_arena ? row_length * run_steps_ : row_length;
  if (integer)
    s.count.reserve(rows);
  else
    s.real.reserve(rows);
  return s;
}

void Recorder::end_step() {
  if (++steps_ != 1 || !arena_) return;
  // Every series exists now: the memory for all their rows is mapped and faulted in at once, on
  // the run's threads, and the first step's rows move there.
  std::size_t bytes = 0;
  for (const Series& s : series_)
    bytes += s.row_length * run_steps_ * sizeof(std::int64_t) + alignof(std::max_align_t);
  static_assert(sizeof(double) == sizeof(std::int64_t));
  arena_->reserve(bytes);
  // (New series, moved into place whole: assigned to the old ones, the rows would be copied into
  // the old ones' memory, whose allocator a pmr vector keeps.)
  std::vector<Series> settled;
  settled.reserve(series_.size());
  for (const Series& s : series_) {
    Series moved = make_series(s.name, s.dims, s.units, s.long_name, s.integer, s.row_length, true);
    moved.count.assign(s.count.begin(), s.count.end());
    moved.real.assign(s.real.begin(), s.real.end());
    settled.push_back(std::move(moved));
  }
  series_ = std::move(settled);
}

Recorder::Series& Recorder::get(const std::string& name, const std::vector<std::string>& dims,
                                const std::string& units, const std::string& long_name, bool integer,
                                std::size_t row_length) {
  auto it = index_.find(name);
  if (it == index_.end()) {
    Series s = make_series(name, dims, units, long_name, integer, row_length, steps_ > 0);
    index_[name] = series_.size();
    series_.push_back(std::move(s));
    return series_.back();
  }
  Series& s = series_[it->second];
  if (s.integer != integer || s.row_length != row_length)
    throw std::logic_error("indicator " + name + " recorded with a different shape");
  return s;
}

namespace {
// The declaration of an indicator recorded as `integer` (counts) or not.
const Indicator& declared(const std::string& name, bool integer) {
  const Indicator& d = indicator(name);
  if ((d.kind == Indicator::Kind::count) != integer)
    throw std::logic_error("indicator " + name + " is declared as " + (integer ? "real numbers" : "counts") +
                           " but recorded as " + (integer ? "counts" : "real numbers"));
  return d;
}
}  // namespace

void Recorder::append(const std::string& name, std::span<const std::int64_t> row) {
  const Indicator& d = declared(name, true);
  Series& s = get(name, d.dims, d.units, d.meaning, true, row.size());
  s.count.insert(s.count.end(), row.begin(), row.end());
}

void Recorder::append(const std::string& name, std::span<const double> row) {
  const Indicator& d = declared(name, false);
  Series& s = get(name, d.dims, d.units, d.meaning, false, row.size());
  s.real.insert(s.real.end(), row.begin(), row.end());
}

void Recorder::append(const std::string& name, std::int64_t value) {
  append(name, std::span<const std::int64_t>(&value, 1));
}

void Recorder::append(const std::string& name, double value) {
  append(name, std::span<const double>(&value, 1));
}

void Recorder::restore(std::vector<Series> series, std::size_t steps) {
  // Into this recorder's memory, with room for the rest of the run, as if recorded here.
  series_.clear();
  for (Series& from : series) {
    Series s =
        make_series(from.name, from.dims, from.units, from.long_name, from.integer, from.row_length, true);
    s.count.assign(from.count.begin(), from.count.end());
    s.real.assign(from.real.begin(), from.real.end());
    series_.push_back(std::move(s));
  }
  index_.clear();
  for (std::size_t k = 0; k < series_.size(); ++k) index_[series_[k].name] = k;
  steps_ = steps;
}

const Recorder::Series* Recorder::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &series_[it->second];
}

const Recorder::Series& Recorder::at(const std::string& name) const {
  if (const Series* s = find(name)) return *s;
  throw std::out_of_range("no indicator series '" + name + "' was recorded (" +
                          std::to_string(series_.size()) + " series after " + std::to_string(steps_) +
                          " steps; docs/output-format.md lists them)");
}

}  // namespace valinta
