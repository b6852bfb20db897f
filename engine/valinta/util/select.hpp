#pragma once
// Picking the few residents of a chunk that a phase must visit.
//
// A phase first fills a byte mask over the chunk in a loop without branches, which the compiler
// turns into vector instructions; positions_of then lists the marked positions. Which residents
// are marked follows no pattern a branch predictor could learn, so no path branches on single
// bytes: AVX-512 packs the positions of 16 bytes with one compress instruction, AVX2 with a
// table of permutations of 8, and the scalar path writes every position and advances only past
// the marked ones.
#include <cstddef>
#include <cstdint>

#include "valinta/util/simd.hpp"

namespace valinta {

// The positions k in [0, n) with mask[k] != 0, as base + k in increasing order; returns how
// many were written to `out`. `out` needs room for n: no path writes past out[n - 1].
std::size_t positions_of(const std::uint8_t* mask, std::size_t n, std::uint32_t base, std::uint32_t* out);

// The positions k in [0, n) with words[k] < below or words[k] >= from, as base + k in increasing
// order (the screens on a chunk's draws); returns how many were written to `out` (room for n).
// The bounds go up to 2^32: below = 2^32 lists every position, from = 2^32 none by the second test.
std::size_t positions_outside(const std::uint32_t* words, std::size_t n, std::uint64_t below, std::uint64_t from,
                              std::uint32_t base, std::uint32_t* out);

// The positions k in [0, n) with values[k] >= 0, as base + k in increasing order (e.g. the
// residents with a contact waiting); returns how many were written to `out` (room for n).
std::size_t positions_nonnegative(const std::int16_t* values, std::size_t n, std::uint32_t base, std::uint32_t* out);

namespace detail {
// The same on a given instruction set (available on this processor: simd_path_available).
std::size_t positions_of(SimdPath path, const std::uint8_t* mask, std::size_t n, std::uint32_t base,
                         std::uint32_t* out);
std::size_t positions_outside(SimdPath path, const std::uint32_t* words, std::size_t n, std::uint64_t below,
                              std::uint64_t from, std::uint32_t base, std::uint32_t* out);
std::size_t positions_nonnegative(SimdPath path, const std::int16_t* values, std::size_t n, std::uint32_t base,
                                  std::uint32_t* out);
}  // namespace detail

}  // namespace valinta
