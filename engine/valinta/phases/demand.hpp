#pragma once
// M2 demand: each resident's care contacts per step.

#include "valinta/model/params/demand.hpp"
#include "valinta/model/types.hpp"

namespace valinta {

struct Scenario;
struct State;

// Expected contacts per week of one resident.
double demand_rate(const DemandParams& p, int level, int age_band, bool ohc);

// The factor on the contacts of a producer's listed residents under fee-for-service pay, which
// makes producers book more (return) visits where they have room: 1 + induced_visits x the
// fee-for-service incentive, fading as the producer's expected wait reaches a week.
double induced_visit_factor(const Scenario& s, double expected_wait_weeks);

// M2 runs in the needs phase's pass over the residents (phases/detail/resident_pass.cpp); this
// runs it alone over every resident (the micro-benchmarks time it on its own).
void run_demand(State& sim);

}  // namespace valinta
