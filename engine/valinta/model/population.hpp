#pragma once
// Zones and residents: the population built from real municipal data.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "valinta/model/params/population.hpp"
#include "valinta/util/column.hpp"

namespace valinta {

// Residents as structure-of-arrays, smallest types that fit (docs/architecture.md). A process holds one
// contiguous block of the population (all of it unless the run is split across MPI ranks): local
// index i is resident number offset + i of the whole population, and that global number is the
// one that keys random draws and orders switch requests.
struct Residents {
  // flags bits
  // kMinor: a minor whose listing follows their guardian's choice (State::minors_of).
  static constexpr std::uint8_t kFemale = 1, kEmployed = 2, kOhc = 4, kEligible = 8, kPlan = 16, kMinor = 32;

  Column<std::uint16_t> zone;
  Column<float> lat, lon;
  Column<std::uint8_t> age;
  Column<std::uint8_t> flags;
  Column<std::uint8_t> income_decile;  // 1..10
  Column<std::uint8_t> literacy;       // digital literacy x 255
  Column<std::uint8_t> need;           // 0..3
  Column<std::uint8_t> unmet_steps;    // steps of raised escalation left after unmet need
  Column<std::uint16_t> listed;        // producer index
  Column<std::uint16_t> home;          // home public station
  Column<std::int16_t> listed_since;   // step
  Column<std::uint8_t> switches;       // switches so far
  Column<std::uint8_t> switches_this_year;
  Column<std::uint16_t> open_producer;  // where the oldest waiting contact queues
  Column<std::int16_t> open_since;      // its arrival step (-1: none waiting)
  Column<std::int8_t> experience;       // EWMA of visit experience, SD x 20

  std::uint32_t offset = 0;  // global number of the first resident held here

  std::size_t size() const { return zone.size(); }
  std::uint32_t global(std::size_t i) const { return offset + static_cast<std::uint32_t>(i); }
  void resize(std::size_t n);          // fresh columns of n residents, all zero (the offset is kept)
  std::vector<MemoryRange> columns();  // the memory of every column
  std::size_t bytes_per_resident() const;
};

// Experience scale: the score is stored as SD x kExperienceScale.
constexpr double kExperienceScale = 20.0;

// The experience of this process's residents, summed by where they are listed and where they live:
// [sum of scores by producer (P), residents by producer (P), sum by zone (Z), residents by zone (Z)],
// scores in stored units (SD x kExperienceScale). Integers: the same for any number of threads;
// sum them over the ranks for the whole population.
std::vector<std::int64_t> experience_sums(const Residents& residents, std::size_t producers,
                                          std::size_t zones, int threads);

}  // namespace valinta
