#include "valinta/util/select.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "valinta/util/select_avx512.hpp"

namespace valinta {
namespace detail {
namespace {

std::size_t scalar_positions(const std::uint8_t* mask, std::size_t from, std::size_t n, std::uint32_t base,
                             std::uint32_t* out, std::size_t m) {
  for (std::size_t k = from; k < n; ++k) {
    out[m] = base + static_cast<std::uint32_t>(k);  // m <= k < n: always inside `out`
    m += mask[k] != 0 ? 1 : 0;
  }
  return m;
}

#if defined(__x86_64__)

// For each 8-bit pattern, the positions of its set bits packed at the front (byte q of entry b).
constexpr std::array<std::uint64_t, 256> kPackedBits = [] {
  std::array<std::uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    int c = 0;
    for (int q = 0; q < 8; ++q)
      if (b & (1 << q)) table[static_cast<std::size_t>(b)] |= static_cast<std::uint64_t>(q) << (8 * c++);
  }
  return table;
}();

// Blocks of 16 bytes; returns how many bytes were done and sets m.
__attribute__((target("avx2"))) std::size_t avx2_positions(const std::uint8_t* mask, std::size_t n,
                                                           std::uint32_t base, std::uint32_t* out,
                                                           std::size_t& m) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m128i zero = _mm_setzero_si128();
  std::size_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mask + k));
    const auto marked = static_cast<unsigned>(~_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero))) & 0xFFFFu;
    for (unsigned half = 0; half < 2; ++half) {
      const unsigned bits = (marked >> (8 * half)) & 0xFFu;
      const int count = std::popcount(bits);
      const __m256i order =
          _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(kPackedBits[bits])));
      const __m256i at = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(base + k + 8 * half)), order);
      // Only the first `count` lanes are stored.
      _mm256_maskstore_epi32(reinterpret_cast<int*>(out + m),
                             _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes), at);
      m += static_cast<std::size_t>(count);
    }
  }
  return k;
}

__attribute__((target("avx512f,avx512bw"))) std::size_t avx512_positions(const std::uint8_t* mask,
                                                                         std::size_t n, std::uint32_t base,
                                                                         std::uint32_t* out, std::size_t& m) {
  __m512i at = first_positions(base);
  std::size_t k = 0;
  for (; k + 64 <= n; k += 64) {
    const __m512i bytes = _mm512_loadu_si512(mask + k);
    append_groups(_mm512_test_epi8_mask(bytes, bytes), 4, at, out, m);
  }
  return k;
}

__attribute__((target("avx512f"))) std::size_t avx512_outside(const std::uint32_t* words, std::size_t n,
                                                              std::uint64_t below, std::uint64_t from,
                                                              std::uint32_t base, std::uint32_t* out,
                                                              std::size_t& m) {
  // Bounds of 2^32 become masks: every word is below it, none is at or above it.
  const __mmask16 all_below = below > 0xFFFFFFFFu ? 0xFFFF : 0, none_from = from > 0xFFFFFFFFu ? 0 : 0xFFFF;
  const __m512i low = _mm512_set1_epi32(static_cast<int>(std::min<std::uint64_t>(below, 0xFFFFFFFFu)));
  const __m512i high = _mm512_set1_epi32(static_cast<int>(std::min<std::uint64_t>(from, 0xFFFFFFFFu)));
  __m512i at = first_positions(base);
  std::size_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m512i w = _mm512_loadu_si512(words + k);
    const __mmask16 bits = static_cast<__mmask16>(all_below | _mm512_cmplt_epu32_mask(w, low) |
                                                  (none_from & _mm512_cmpge_epu32_mask(w, high)));
    append_groups(bits, 1, at, out, m);
  }
  return k;
}

__attribute__((target("avx512f,avx512bw"))) std::size_t avx512_nonnegative(const std::int16_t* values,
                                                                           std::size_t n, std::uint32_t base,
                                                                           std::uint32_t* out,
                                                                           std::size_t& m) {
  __m512i at = first_positions(base);
  std::size_t k = 0;
  for (; k + 32 <= n; k += 32)  // the sign bits of 32 values; the others are marked
    append_groups(~_mm512_movepi16_mask(_mm512_loadu_si512(values + k)), 2, at, out, m);
  return k;
}

#endif  // __x86_64__

}  // namespace

std::size_t positions_nonnegative(SimdPath path, const std::int16_t* values, std::size_t n,
                                  std::uint32_t base, std::uint32_t* out) {
  std::size_t m = 0, k = 0;
#if defined(__x86_64__)
  if (path == SimdPath::avx512) k = avx512_nonnegative(values, n, base, out, m);
#else
  (void)path;
#endif
  for (; k < n; ++k) {  // written always, kept if marked
    out[m] = base + static_cast<std::uint32_t>(k);
    m += values[k] >= 0 ? 1 : 0;
  }
  return m;
}

std::size_t positions_outside(SimdPath path, const std::uint32_t* words, std::size_t n, std::uint64_t below,
                              std::uint64_t from, std::uint32_t base, std::uint32_t* out) {
  std::size_t m = 0, k = 0;
#if defined(__x86_64__)
  if (path == SimdPath::avx512) k = avx512_outside(words, n, below, from, base, out, m);
#else
  (void)path;
#endif
  for (; k < n; ++k) {  // the rest, and every word without AVX-512: written always, kept if marked
    out[m] = base + static_cast<std::uint32_t>(k);
    m += (words[k] < below || words[k] >= from) ? 1 : 0;
  }
  return m;
}

std::size_t positions_of(SimdPath path, const std::uint8_t* mask, std::size_t n, std::uint32_t base,
                         std::uint32_t* out) {
  std::size_t m = 0, done = 0;
#if defined(__x86_64__)
  if (path == SimdPath::avx512)
    done = avx512_positions(mask, n, base, out, m);
  else if (path == SimdPath::avx2)
    done = avx2_positions(mask, n, base, out, m);
#else
  (void)path;
#endif
  return scalar_positions(mask, done, n, base, out, m);
}

}  // namespace detail

std::size_t positions_of(const std::uint8_t* mask, std::size_t n, std::uint32_t base, std::uint32_t* out) {
  return detail::positions_of(detail::simd_best_path(), mask, n, base, out);
}

std::size_t positions_outside(const std::uint32_t* words, std::size_t n, std::uint64_t below,
                              std::uint64_t from, std::uint32_t base, std::uint32_t* out) {
  return detail::positions_outside(detail::simd_best_path(), words, n, below, from, base, out);
}

std::size_t positions_nonnegative(const std::int16_t* values, std::size_t n, std::uint32_t base,
                                  std::uint32_t* out) {
  return detail::positions_nonnegative(detail::simd_best_path(), values, n, base, out);
}

}  // namespace valinta
