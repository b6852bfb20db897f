#include "valinta/util/select.hpp"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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
                                                           std::uint32_t base, std::uint32_t* out, std::size_t& m) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m128i zero = _mm_setzero_si128();
  std::size_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mask + k));
    const auto marked = static_cast<unsigned>(~_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero))) & 0xFFFFu;
    for (unsigned half = 0; half < 2; ++half) {
      const unsigned bits = (marked >> (8 * half)) & 0xFFu;
      const int count = std::popcount(bits);
      const __m256i order = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(kPackedBits[bits])));
      const __m256i at = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(base + k + 8 * half)), order);
      // Only the first `count` lanes are stored.
      _mm256_maskstore_epi32(reinterpret_cast<int*>(out + m), _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes), at);
      m += static_cast<std::size_t>(count);
    }
  }
  return k;
}

__attribute__((target("avx512f,avx512bw"))) std::size_t avx512_positions(const std::uint8_t* mask, std::size_t n,
                                                                        std::uint32_t base, std::uint32_t* out,
                                                                        std::size_t& m) {
  const __m512i sixteen = _mm512_set1_epi32(16);
  __m512i at = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(base)),
                                _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  std::size_t k = 0;
  for (; k + 64 <= n; k += 64) {
    const __m512i bytes = _mm512_loadu_si512(mask + k);
    const std::uint64_t marked = _mm512_test_epi8_mask(bytes, bytes);
    for (int quarter = 0; quarter < 4; ++quarter) {
      const auto bits = static_cast<std::uint16_t>(marked >> (16 * quarter));
      const int count = std::popcount(bits);
      // Only the first `count` lanes are stored.
      _mm512_mask_storeu_epi32(out + m, static_cast<__mmask16>((1u << count) - 1u), _mm512_maskz_compress_epi32(bits, at));
      m += static_cast<std::size_t>(count);
      at = _mm512_add_epi32(at, sixteen);
    }
  }
  return k;
}

#endif  // __x86_64__

}  // namespace

std::size_t positions_of(SimdPath path, const std::uint8_t* mask, std::size_t n, std::uint32_t base,
                         std::uint32_t* out) {
  std::size_t m = 0, done = 0;
#if defined(__x86_64__)
  if (path == SimdPath::avx512) done = avx512_positions(mask, n, base, out, m);
  else if (path == SimdPath::avx2) done = avx2_positions(mask, n, base, out, m);
#else
  (void)path;
#endif
  return scalar_positions(mask, done, n, base, out, m);
}

}  // namespace detail

std::size_t positions_of(const std::uint8_t* mask, std::size_t n, std::uint32_t base, std::uint32_t* out) {
  return detail::positions_of(detail::simd_best_path(), mask, n, base, out);
}

}  // namespace valinta
