#pragma once
// Planning memory before anything is allocated: a run that cannot fit is refused with a clear
// message instead of swapping or being killed part-way.
#include <cstdint>
#include <string>

#include "valinta/model/scenario.hpp"

namespace valinta {

struct MemoryPlan {
  std::int64_t residents = 0;
  std::int64_t resident_bytes = 0;  // resident state
  std::int64_t producer_bytes = 0;  // queues and per-step flows
  std::int64_t recorder_bytes = 0;  // indicator series kept until the end
  std::int64_t fixed_bytes = 0;     // program, libraries, buffers
  std::int64_t total() const { return resident_bytes + producer_bytes + recorder_bytes + fixed_bytes; }
  std::string describe() const;
};

// The memory of one process of the run: with `ranks` MPI processes each holds about 1/ranks of
// the residents (producers and indicators are replicated on every rank).
MemoryPlan plan_memory(const Scenario& scenario, int threads, int ranks = 1);

// Memory this process may still use: MemAvailable, or the cgroup limit if lower (bytes; -1 unknown).
std::int64_t available_memory_bytes();

}  // namespace valinta
