#include "valinta/parallel/partition.hpp"

#include <algorithm>
#include <stdexcept>

namespace valinta::parallel {

std::vector<std::size_t> zone_blocks(std::span<const std::uint32_t> zone_residents, int ranks) {
  if (ranks < 1) throw std::invalid_argument("zone_blocks: ranks must be at least 1");
  const std::size_t Z = zone_residents.size();
  // before[z]: residents in the zones before z (exact integers; targets compared as k*N vs before*K).
  std::vector<std::int64_t> before(Z + 1, 0);
  for (std::size_t z = 0; z < Z; ++z) before[z + 1] = before[z] + zone_residents[z];
  const std::int64_t N = before[Z], K = ranks;
  std::vector<std::size_t> bounds(static_cast<std::size_t>(ranks) + 1, 0);
  bounds.back() = Z;
  for (std::int64_t k = 1; k < K; ++k) {
    const std::int64_t target = k * N;  // in units of 1/K resident
    std::size_t z =
        static_cast<std::size_t>(std::lower_bound(before.begin(), before.end(), target,
                                                  [K](std::int64_t b, std::int64_t t) { return b * K < t; }) -
                                 before.begin());
    if (z > 0 && z <= Z && target - before[z - 1] * K < before[z] * K - target) --z;  // the nearer edge
    z = std::min(z, Z);
    bounds[static_cast<std::size_t>(k)] = std::max(z, bounds[static_cast<std::size_t>(k - 1)]);
  }
  return bounds;
}

}  // namespace valinta::parallel
