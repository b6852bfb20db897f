#pragma once
// Phase 8: M7 market dynamics and workforce. Quarterly, chains evaluate candidate sites with the
// choice model applied to a sample of residents and enter when the expected margin beats a
// hurdle; producers leave after sustained losses; capacity moves toward demand within hiring
// limits, all producers hiring from one regional workforce pool.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/params/market.hpp"

namespace valinta {

struct State;

// Inactive producer slots, one per chain and candidate zone, so entrants have a place in every
// per-producer series from the start.
void add_entrant_slots(State& sim);
void initialise_workforce(State& sim);

// What the entry forecast needs of every producer, worked out once per forecast.
struct ForecastInputs {
  std::vector<double> fee;  // expected client fee of a visit
  bool informed = true;     // waits and quality are published (rules.information)
};
ForecastInputs forecast_inputs(const State& sim);

// The logit probabilities (no noise) that resident i (a local index) picks each of the closed
// producers `slots` on review, with that one open and the others of `slots` still closed:
// out[s] for slots[s]. The utilities are systematic_utility (choice_utility.hpp) over the
// resident's consideration set (ODD 7.5.5).
void choice_probabilities(const State& sim, const ForecastInputs& in, std::size_t i,
                          const std::vector<std::size_t>& slots, double* out);

// The pay response of capacity (docs/ODD.md 7.7.4): whether it is on, and the capacity a producer
// aims at in a quarter whose demand (contacts that joined its queue) was `demand_per_week`.
struct Producer;
struct Scenario;
bool pay_response_on(const WorkforceParams& w);
double pay_capacity_target(const Scenario& s, const Producer& p, double demand_per_week);

void run_market(State& sim);

}  // namespace valinta
