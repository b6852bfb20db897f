#pragma once
// AVX-512 building blocks of the position lists (util/select.cpp and the demand screen): lanes
// hold consecutive positions, a 16-bit mask says which are marked, and the marked ones are packed
// by one compress instruction. Only for functions compiled with target("avx512f") or wider, on
// processors that have it (simd_path_available).
#if defined(__x86_64__)
#include <immintrin.h>

#include <bit>
#include <cstddef>
#include <cstdint>

namespace valinta::detail {

// base, base + 1, ..., base + 15.
__attribute__((target("avx512f"))) inline __m512i first_positions(std::uint32_t base) {
  return _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(base)),
                          _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

// The lanes of `at` marked in `bits`, packed, appended to out[m ..]; only they are stored.
__attribute__((target("avx512f"))) inline void append_marked(__mmask16 bits, __m512i at, std::uint32_t* out,
                                                             std::size_t& m) {
  const int count = std::popcount(static_cast<unsigned>(bits));
  _mm512_mask_storeu_epi32(out + m, static_cast<__mmask16>((1u << count) - 1u),
                           _mm512_maskz_compress_epi32(bits, at));
  m += static_cast<std::size_t>(count);
}

// The positions marked in the `groups` x 16 low bits of `marked`, appended to out[m ..]; `at`
// moves past them.
__attribute__((target("avx512f"))) inline void append_groups(std::uint64_t marked, int groups, __m512i& at,
                                                             std::uint32_t* out, std::size_t& m) {
  for (int g = 0; g < groups; ++g) {
    append_marked(static_cast<__mmask16>(marked >> (16 * g)), at, out, m);
    at = _mm512_add_epi32(at, _mm512_set1_epi32(16));
  }
}

}  // namespace valinta::detail
#endif
