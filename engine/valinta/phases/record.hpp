#pragma once
// Phase 9, record: the step's indicators (M9) into the recorder.
namespace valinta {
class Simulation;
void run_record(Simulation& sim);
}  // namespace valinta
