#pragma once
// Applying switches: listing caps, counters and the reason for every switch (part of M5).
#include <cstdint>
#include <vector>

#include "valinta/model/types.hpp"

namespace valinta {

class Simulation;

struct SwitchRequest {
  static constexpr std::size_t kMaxOptions = 4;
  std::uint32_t resident = 0;
  SwitchReason reason = SwitchReason::review;
  std::vector<std::uint16_t> options;  // preferred producers, best first, all better than current
};

// Applies the requests in resident order. A producer with a listing cap accepts applicants in
// a random priority order until full; the others try their next option.
void apply_switches(Simulation& sim, std::vector<SwitchRequest> requests);

// Opt-out rules: list every eligible resident at the nearest producer (reason: assignment).
void assign_nearest(Simulation& sim);

}  // namespace valinta
