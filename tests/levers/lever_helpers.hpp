#pragma once
// Helpers for the lever tests (tests/levers): the invariants every lever must keep (residents,
// visits and money conserved), sums of a run's flows, and the recorder's per-step series.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta::test {

// Every resident is listed exactly once, the producers' counts agree with the residents, and
// nobody is listed at a producer that is not open.
inline void expect_residents_conserved(const Simulation& sim) {
  std::int64_t listed_total = 0;
  for (const Producer& p : sim.producers) listed_total += p.n_listed;
  EXPECT_EQ(listed_total, static_cast<std::int64_t>(sim.residents.size())) << "step " << sim.t - 1;
  const std::vector<std::int64_t> counted = listed_counts(sim);
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    EXPECT_EQ(sim.producers[j].n_listed, counted[j]) << sim.producers[j].spec.name << " step " << sim.t - 1;
    if (!sim.producers[j].active) EXPECT_EQ(counted[j], 0) << sim.producers[j].spec.name << " is closed";
  }
}

// The payers' books (organiser; residents for client fees) equal the receipts attributed to
// producers and services, kind by kind (relative 1e-9).
inline void expect_books_balance(const Simulation& sim) {
  const StepFlows& f = sim.flows;
  for (int k = 0; k < kPaymentKinds; ++k) {
    double receipts = 0;
    for (std::size_t j = 0; j < sim.producers.size(); ++j) receipts += f.payments[j * kPaymentKinds + k];
    EXPECT_NEAR(f.organiser_side[k], receipts, 1e-9 * std::max(1.0, std::abs(receipts)))
        << kPaymentKindNames[k] << " step " << sim.t - 1;
  }
}

// Cumulative visits per producer: arrivals = served + still queued + diverted + handed over on
// closing - taken over from a closed producer.
struct VisitLedger {
  std::vector<std::int64_t> arrivals, served, diverted, transferred_out, transferred_in;

  void add_step_and_check(const Simulation& sim) {
    const std::size_t P = sim.producers.size();
    for (auto* v : {&arrivals, &served, &diverted, &transferred_out, &transferred_in}) v->resize(P, 0);
    const StepFlows& f = sim.flows;
    std::int64_t out = 0, in = 0;
    for (std::size_t j = 0; j < P; ++j) {
      arrivals[j] += arrivals_at(f, j);
      served[j] += served_at(f, j);
      diverted[j] += f.diverted[j];
      transferred_out[j] += f.transferred_out[j];
      transferred_in[j] += f.transferred_in[j];
      out += f.transferred_out[j];
      in += f.transferred_in[j];
      EXPECT_EQ(arrivals[j], served[j] + queue_length(sim.producers[j]) + diverted[j] + transferred_out[j] -
                                 transferred_in[j])
          << sim.producers[j].spec.name << " step " << sim.t - 1;
    }
    EXPECT_EQ(out, in) << "a queue handed over must be taken over whole, step " << sim.t - 1;
  }
};

// Residents listed at a different producer in two runs of the same population.
inline std::int64_t residents_listed_elsewhere(const Simulation& a, const Simulation& b) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < a.residents.size(); ++i) n += a.residents.listed[i] != b.residents.listed[i];
  return n;
}

// A recorder series' value at `step` (element `index` of its row).
inline double recorded(const Simulation& sim, const std::string& name, std::size_t step,
                       std::size_t index = 0) {
  const Recorder::Series* s = sim.recorder.find(name);
  if (s == nullptr) {
    ADD_FAILURE() << "no series " << name;
    return std::nan("");
  }
  const std::size_t k = step * s->row_length + index;
  return s->integer ? static_cast<double>(s->count.at(k)) : s->real.at(k);
}

inline std::size_t producer_named(const Simulation& sim, const std::string& name) {
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    if (sim.producers[j].spec.name == name) return j;
  ADD_FAILURE() << "no producer " << name;
  return 0;
}

inline std::size_t zone_named(const Simulation& sim, const std::string& name) {
  for (std::size_t z = 0; z < sim.zones.size(); ++z)
    if (sim.zones[z].spec.name == name) return z;
  ADD_FAILURE() << "no zone " << name;
  return 0;
}

inline std::int64_t sum(const std::vector<std::int64_t>& v) {
  std::int64_t n = 0;
  for (const std::int64_t x : v) n += x;
  return n;
}

// The first day of weekly step `step` of a scenario starting 2017-02-01 (as YYYY-MM-DD).
inline std::string date_of_week(int step) {
  int y = 2017, m = 2, d = 1 + 7 * step;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (;;) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int length = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
    if (d <= length) break;
    d -= length;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
  return text;
}

}  // namespace valinta::test
