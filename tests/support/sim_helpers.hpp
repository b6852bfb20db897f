#pragma once
// Helpers for the model tests: per-producer totals of a step's flows, and small statistics
// (binomial z-scores, chi-square critical values) used to compare simulated counts with the
// model's closed forms.
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "valinta/run/simulation.hpp"

namespace valinta::test {

// `yaml` (from small_region_yaml or written like it) with another horizon and step length.
inline std::string with_time(std::string yaml, int steps, int step_days) {
  const std::string old_time = "steps: 52, step_days: 7";
  const auto at = yaml.find(old_time);
  if (at != std::string::npos)
    yaml.replace(at, old_time.size(),
                 "steps: " + std::to_string(steps) + ", step_days: " + std::to_string(step_days));
  return yaml;
}

// A step's arrivals / served visits at producer j, summed over need levels.
inline std::int64_t arrivals_at(const StepFlows& f, std::size_t j) {
  std::int64_t n = 0;
  for (int l = 0; l < kNeedLevels; ++l) n += f.arrivals[j * kNeedLevels + l];
  return n;
}
inline std::int64_t served_at(const StepFlows& f, std::size_t j) {
  std::int64_t n = 0;
  for (int l = 0; l < kNeedLevels; ++l) n += f.served[j * kNeedLevels + l];
  return n;
}
// Contacts still waiting in a producer's queue (every cohort, every level).
inline std::int64_t queue_length(const Producer& p) {
  return std::accumulate(p.queue.begin(), p.queue.end(), std::int64_t{0});
}
inline std::int64_t total_switches(const StepFlows& f) {
  return std::accumulate(f.switches_by_reason.begin(), f.switches_by_reason.end(), std::int64_t{0});
}
// Residents listed at each producer, counted from the residents themselves.
inline std::vector<std::int64_t> listed_counts(const Simulation& sim) {
  std::vector<std::int64_t> n(sim.producers.size(), 0);
  for (std::size_t i = 0; i < sim.residents.size(); ++i) ++n[sim.residents.listed[i]];
  return n;
}

// Pearson's chi-square statistic of `observed` counts against equal expected counts.
inline double chi_square_uniform(const std::vector<std::int64_t>& observed) {
  const double total =
      static_cast<double>(std::accumulate(observed.begin(), observed.end(), std::int64_t{0}));
  const double expected = total / static_cast<double>(observed.size());
  double chi2 = 0;
  for (const std::int64_t o : observed)
    chi2 += (static_cast<double>(o) - expected) * (static_cast<double>(o) - expected) / expected;
  return chi2;
}

// Upper 0.1 % point of the chi-square distribution with `df` degrees of freedom
// (Wilson-Hilferty approximation; within 2 % of the exact quantile for df >= 2).
inline double chi_square_critical_0001(int df) {
  const double z = 3.090232;  // upper 0.1 % point of the standard normal
  const double k = static_cast<double>(df);
  const double c = 1.0 - 2.0 / (9.0 * k) + z * std::sqrt(2.0 / (9.0 * k));
  return k * c * c * c;
}

}  // namespace valinta::test
