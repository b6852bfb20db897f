#pragma once
// How residents are split across ranks: each rank holds a contiguous block of whole zones, with
// about equal numbers of residents (docs/architecture.md: residents are partitioned by zone blocks). Whole
// zones keep every per-zone loop (market catchments, away-from-home counts) on one rank, and
// contiguous blocks in rank order keep the global resident order: rank k's residents all come
// before rank k+1's.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace valinta::parallel {

// Zone boundaries of `ranks` blocks: rank k holds zones [bounds[k], bounds[k+1]). A pure function
// of the zone sizes and the rank count (every rank computes the same). Each boundary is the zone
// edge nearest to k/ranks of all residents; a rank may hold no zone when zones are few or huge.
std::vector<std::size_t> zone_blocks(std::span<const std::uint32_t> zone_residents, int ranks);

}  // namespace valinta::parallel
