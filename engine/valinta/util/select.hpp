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
std::size_t positions_outside(const std::uint32_t* words, std::size_t n, std::uint64_t below,
                              std::uint64_t from, std::uint32_t base, std::uint32_t* out);

// The positions k in [0, n) with values[k] >= 0, as base + k in increasing order (e.g. the
// residents with a contact waiting); returns how many were written to `out` (room for n).
std::size_t positions_nonnegative(const std::int16_t* values, std::size_t n, std::uint32_t base,
                                  std::uint32_t* out);

// Asks the memory system for the rows `positions[0 .. n)` of each column: the residents a phase
// visits are a few per cent of a chunk, scattered, and each column it reads of them would
// otherwise cost one wait for main memory after another. Prefetched together, the misses
// overlap. Only a hint: it changes no value.
template <typename... Columns>
inline void prefetch_rows(const std::uint32_t* positions, std::size_t n, const Columns*... columns) {
  for (std::size_t q = 0; q < n; ++q) (__builtin_prefetch(columns + positions[q]), ...);
}

// Asks for every cache line of column[first .. end): for a column a phase reads at many scattered
// rows of a chunk (where prefetching row by row would take more instructions than lines).
template <typename T>
inline void prefetch_span(const T* column, std::size_t first, std::size_t end) {
  const char* const from = reinterpret_cast<const char*>(column + first);
  const char* const to = reinterpret_cast<const char*>(column + end);
  for (const char* line = from; line < to; line += 64) __builtin_prefetch(line);
  if (end > first) __builtin_prefetch(to - 1);  // the last line, if the span starts mid-line
}

namespace detail {
// The same on a given instruction set (available on this processor: simd_path_available).
std::size_t positions_of(SimdPath path, const std::uint8_t* mask, std::size_t n, std::uint32_t base,
                         std::uint32_t* out);
std::size_t positions_outside(SimdPath path, const std::uint32_t* words, std::size_t n, std::uint64_t below,
                              std::uint64_t from, std::uint32_t base, std::uint32_t* out);
std::size_t positions_nonnegative(SimdPath path, const std::int16_t* values, std::size_t n,
                                  std::uint32_t base, std::uint32_t* out);
}  // namespace detail

}  // namespace valinta
