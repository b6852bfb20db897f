#include "valinta/output/recorder.hpp"

#include <algorithm>
#include <stdexcept>

#include "valinta/model/simulation.hpp"

namespace valinta {

void Recorder::start(const Simulation& sim) {
  series_.clear();
  index_.clear();
  steps_ = 0;
  run_steps_ = static_cast<std::size_t>(std::max<std::int64_t>(0, sim.scenario.time.steps));
}

Recorder::Series& Recorder::get(const std::string& name, const std::vector<std::string>& dims,
                                const std::string& units, const std::string& long_name, bool integer,
                                std::size_t row_length) {
  auto it = index_.find(name);
  if (it == index_.end()) {
    Series s;
    s.name = name;
    s.dims = dims;
    s.units = units;
    s.long_name = long_name;
    s.integer = integer;
    s.row_length = row_length;
    // All the run's rows at once: a series that grew step by step would be copied (and its new
    // memory faulted in) every time its capacity doubled.
    if (integer) s.count.reserve(row_length * run_steps_);
    else s.real.reserve(row_length * run_steps_);
    index_[name] = series_.size();
    series_.push_back(std::move(s));
    return series_.back();
  }
  Series& s = series_[it->second];
  if (s.integer != integer || s.row_length != row_length)
    throw std::logic_error("indicator " + name + " recorded with a different shape");
  return s;
}

void Recorder::append(const std::string& name, std::span<const std::int64_t> row,
                      const std::vector<std::string>& dims, const std::string& units,
                      const std::string& long_name) {
  Series& s = get(name, dims, units, long_name, true, row.size());
  s.count.insert(s.count.end(), row.begin(), row.end());
}

void Recorder::append(const std::string& name, std::span<const double> row,
                      const std::vector<std::string>& dims, const std::string& units,
                      const std::string& long_name) {
  Series& s = get(name, dims, units, long_name, false, row.size());
  s.real.insert(s.real.end(), row.begin(), row.end());
}

void Recorder::append(const std::string& name, std::int64_t value, const std::string& units,
                      const std::string& long_name) {
  append(name, std::span<const std::int64_t>(&value, 1), {}, units, long_name);
}

void Recorder::append(const std::string& name, double value, const std::string& units,
                      const std::string& long_name) {
  append(name, std::span<const double>(&value, 1), {}, units, long_name);
}

void Recorder::restore(std::vector<Series> series, std::size_t steps) {
  series_ = std::move(series);
  for (Series& s : series_) {
    if (s.integer) s.count.reserve(s.row_length * run_steps_);
    else s.real.reserve(s.row_length * run_steps_);
  }
  index_.clear();
  for (std::size_t k = 0; k < series_.size(); ++k) index_[series_[k].name] = k;
  steps_ = steps;
}

const Recorder::Series* Recorder::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &series_[it->second];
}

}  // namespace valinta
