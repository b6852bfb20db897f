#include "valinta/model/population.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "valinta/util/tally.hpp"

namespace valinta {

void Residents::resize(std::size_t n) {
  const std::uint32_t first = offset;
  *this = Residents{};  // fresh columns: every resident starts at zero (util/column.hpp)
  offset = first;
  zone.resize(n);
  lat.resize(n);
  lon.resize(n);
  age.resize(n);
  flags.resize(n);
  income_decile.resize(n);
  literacy.resize(n);
  need.resize(n);
  unmet_steps.resize(n);
  listed.resize(n);
  home.resize(n);
  listed_since.resize(n);
  switches.resize(n);
  switches_this_year.resize(n);
  open_producer.resize(n);
  open_since.resize(n);
  experience.resize(n);
}

std::vector<MemoryRange> Residents::columns() {
  return {range_of(zone),          range_of(lat),
          range_of(lon),           range_of(age),
          range_of(flags),         range_of(income_decile),
          range_of(literacy),      range_of(need),
          range_of(unmet_steps),   range_of(listed),
          range_of(home),          range_of(listed_since),
          range_of(switches),      range_of(switches_this_year),
          range_of(open_producer), range_of(open_since),
          range_of(experience)};
}

std::size_t Residents::bytes_per_resident() const {
  return sizeof(std::uint16_t) * 4 + sizeof(float) * 2 + sizeof(std::int16_t) * 2 + sizeof(std::uint8_t) * 8 +
         sizeof(std::int8_t);
}

std::vector<std::int64_t> experience_sums(const Residents& r, std::size_t producers, std::size_t zones,
                                          int threads) {
  const std::size_t P = producers, Z = zones;
  const std::uint16_t* const listed = r.listed.data();
  const std::uint16_t* const zone = r.zone.data();
  const std::int8_t* const experience = r.experience.data();
  return tally(threads, 2 * (P + Z), static_cast<std::int64_t>(r.size()),
               [&](std::vector<std::int64_t>& local, std::int64_t i) {
                 local[listed[i]] += experience[i];
                 local[P + listed[i]] += 1;
                 local[2 * P + zone[i]] += experience[i];
                 local[2 * P + Z + zone[i]] += 1;
               });
}

}  // namespace valinta
