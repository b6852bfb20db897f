#pragma once
// M3 service: FIFO by arrival cohort within capacity; exact waits; the care guarantee;
// emergency diversion of contacts that wait too long.
#include <cstdint>

#include "valinta/model/params/service.hpp"

namespace valinta {

struct State;

// The care guarantee in whole steps: a contact served at an age of at most this many steps was
// served within it.
int guarantee_steps(const ServiceParams& p, std::int64_t step_days);

void run_service(State& sim);

}  // namespace valinta
