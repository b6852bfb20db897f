#include "valinta/run/memory_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "valinta/model/population.hpp"
#include "valinta/model/types.hpp"

namespace valinta {

std::string MemoryPlan::describe() const {
  const double mib = 1024.0 * 1024.0;
  return fmt::format(
      "{:.0f} MiB ({} residents: {:.0f} MiB; producers: {:.0f} MiB; indicators: {:.0f} MiB; "
      "program: {:.0f} MiB)",
      static_cast<double>(total()) / mib, residents, static_cast<double>(resident_bytes) / mib,
      static_cast<double>(producer_bytes) / mib, static_cast<double>(recorder_bytes) / mib,
      static_cast<double>(fixed_bytes) / mib);
}

MemoryPlan plan_memory(const Scenario& s, int threads, int ranks) {
  MemoryPlan plan;
  std::int64_t producers = static_cast<std::int64_t>(s.producers.size() + s.zones.size());
  for (const auto& z : s.zones)
    plan.residents += std::llround(static_cast<double>(z.population) * s.population.scale);
  plan.residents = (plan.residents + std::max(1, ranks) - 1) / std::max(1, ranks);
  Residents probe;
  plan.resident_bytes = plan.residents * static_cast<std::int64_t>(probe.bytes_per_resident());
  const std::int64_t queue_steps =
      static_cast<std::int64_t>(
          std::ceil(s.service.queue_max_weeks * 7.0 / static_cast<double>(s.time.step_days))) +
      1;
  // Queue ring, per-step flows (four cohort tables) and per-thread accumulators, 8 bytes each.
  plan.producer_bytes = producers * 8 * (queue_steps * kNeedLevels + 4 * queue_steps + 64) +
                        static_cast<std::int64_t>(std::max(1, threads)) * producers * 8 * 256;
  const std::int64_t zones = static_cast<std::int64_t>(s.zones.size());
  const std::int64_t row = producers * (24 + kPaymentKinds) + kSectors * 12 + zones * (kSectors + 1) + 64;
  plan.recorder_bytes = s.time.steps * row * 8;
  plan.fixed_bytes = 64LL << 20;
  return plan;
}

std::int64_t available_memory_bytes() {
  std::int64_t available = -1;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream fields(line.substr(13));
      std::int64_t kib = 0;
      if (fields >> kib) available = kib * 1024;
    }
  }
  std::ifstream limit_file("/sys/fs/cgroup/memory.max");
  std::string limit;
  if (limit_file >> limit && limit != "max") {
    std::int64_t used = 0;
    std::ifstream current("/sys/fs/cgroup/memory.current");
    current >> used;
    try {
      const std::int64_t cgroup_free = std::stoll(limit) - used;
      if (available < 0 || cgroup_free < available) available = cgroup_free;
    } catch (const std::exception&) {
      // an unreadable limit is no limit we can plan with
    }
  }
  return available;
}

}  // namespace valinta
