#pragma once
// Phase 1, events: the pilot's timeline and the monthly publication of producer indicators.
// (Scheduled rule changes, openings, closures and shocks are added to this phase.)
namespace valinta {
class Simulation;
void run_events(Simulation& sim);
}  // namespace valinta
