#pragma once
// Picking the few residents of a chunk that a phase must visit.
//
// A phase first fills a byte mask over the chunk in a loop without branches, which the compiler
// turns into vector instructions; positions_of then lists the marked positions, reading the mask
// eight bytes at a time, so a chunk where most bytes are zero costs little and no branch depends
// on individual residents.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace valinta {

// The positions k in [0, n) with mask[k] != 0, as base + k in increasing order; returns how
// many were written to `out` (room for n).
inline std::size_t positions_of(const std::uint8_t* mask, std::size_t n, std::uint32_t base, std::uint32_t* out) {
  static_assert(std::endian::native == std::endian::little, "byte k of a word is bits 8k .. 8k + 7");
  std::size_t m = 0, k = 0;
  for (; k + 8 <= n; k += 8) {
    std::uint64_t word;
    std::memcpy(&word, mask + k, 8);
    while (word != 0) {
      const int bit = std::countr_zero(word);
      out[m++] = base + static_cast<std::uint32_t>(k) + static_cast<std::uint32_t>(bit / 8);
      word &= ~(std::uint64_t{0xFF} << (bit & ~7));  // the whole byte: any non-zero value marks
    }
  }
  for (; k < n; ++k)
    if (mask[k] != 0) out[m++] = base + static_cast<std::uint32_t>(k);
  return m;
}

}  // namespace valinta
