#pragma once
// Phase 9, record: the step's indicators (M9) into the recorder.
#include <cstdint>
#include <vector>

namespace valinta {
struct State;
void run_record(State& sim);
// This process's residents listed away from their home station, counted from scratch by zone
// and the sector of the producer they are listed at ([zone * kSectors + sector]).
// State::away_from_home holds this count, kept current by switches and closures.
std::vector<std::int64_t> count_away_from_home(const State& sim);
}  // namespace valinta
