// Many Philox4x32-10 blocks at once: the per-resident draws of the resident phases.
//
// A Philox round multiplies two of the four 32-bit words by constants and keeps both halves of
// each 64-bit product; vector units do that for 8 (AVX2) or 16 (AVX-512) blocks per instruction.
// Several groups of blocks are interleaved so that the multiplier's latency is hidden. Only
// integer operations are involved, so every path gives exactly the numbers of Random123's
// scalar Philox (tests/util/rng_test.cpp checks each path against it).
#include "valinta/util/rng.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>
// GCC 12's AVX-512 intrinsics start some vectors from an "undefined" value, which its flow
// analysis reports as (maybe) uninitialised where they are inlined (a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#endif

namespace valinta {
namespace detail {
namespace {

constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;    // Philox4x32 multipliers
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;  // key schedule
constexpr int kRounds = 10;

// Where blocks' counters come from: {first + b, c1, c2, c3} (a run of consecutive blocks), or,
// when c0s is set, {c0s[b], c1s[b], c2, c3} (blocks picked one by one, such as one entity's slots).
struct Counters {
  std::uint32_t first, c1, c2, c3;
  const std::uint32_t* c0s = nullptr;
  const std::uint32_t* c1s = nullptr;
  std::uint32_t word0(std::size_t b) const { return c0s ? c0s[b] : first + static_cast<std::uint32_t>(b); }
  std::uint32_t word1(std::size_t b) const { return c1s ? c1s[b] : c1; }
};

void scalar_blocks(const Counters& c, std::uint32_t k0, std::uint32_t k1, std::size_t from, std::size_t n,
                   std::uint32_t* out) {
  const r123::Philox4x32 philox;
  const r123::Philox4x32::key_type key = {{k0, k1}};
  for (std::size_t b = from; b < n; ++b) {
    const r123::Philox4x32::ctr_type ctr = {{c.word0(b), c.word1(b), c.c2, c.c3}};
    const auto r = philox(ctr, key);
    std::copy(r.begin(), r.end(), out + 4 * b);
  }
}

// The vector paths below compute kGroups vectors of blocks at a time while there are that many
// left (the multiplier's latency is hidden by the independent groups), then one vector at a time;
// the last partial vector is computed in full from padded counters and only its blocks are kept.
constexpr int kGroups = 4;
template <std::size_t kLanes, class Step>
void vector_blocks(const Counters& c, std::size_t n, std::uint32_t* out, Step step) {
  std::size_t b = 0;
  for (; b + kGroups * kLanes <= n; b += kGroups * kLanes)
    step(std::integral_constant<int, kGroups>{}, c, b, out + 4 * b);
  for (; b + kLanes <= n; b += kLanes) step(std::integral_constant<int, 1>{}, c, b, out + 4 * b);
  if (b == n) return;
  std::array<std::uint32_t, kLanes> c0{}, c1{};
  for (std::size_t k = 0; k < n - b; ++k) {
    c0[k] = c.word0(b + k);
    c1[k] = c.word1(b + k);
  }
  const Counters padded{0, 0, c.c2, c.c3, c0.data(), c1.data()};
  std::array<std::uint32_t, 4 * kLanes> last;
  step(std::integral_constant<int, 1>{}, padded, 0, last.data());
  std::copy_n(last.begin(), 4 * (n - b), out + 4 * b);
}

#if defined(__x86_64__)

// Groups x 8 blocks from block b of `c`, to out.
template <int Groups>
__attribute__((target("avx2"))) inline void avx2_step(const Counters& c, std::size_t b, std::uint32_t k0,
                                                      std::uint32_t k1, std::uint32_t* out) {
  constexpr std::size_t kLanes = 8;
  const __m256i mul0 = _mm256_set1_epi32(static_cast<int>(kMul0)),
                mul1 = _mm256_set1_epi32(static_cast<int>(kMul1));
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i x0[Groups], x1[Groups], x2[Groups], x3[Groups];
  for (int g = 0; g < Groups; ++g) {
    const std::size_t at = b + kLanes * g;
    x0[g] = c.c0s ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c.c0s + at))
                  : _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(c.first + at)), lane);
    x1[g] = c.c1s ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c.c1s + at))
                  : _mm256_set1_epi32(static_cast<int>(c.c1));
    x2[g] = _mm256_set1_epi32(static_cast<int>(c.c2));
    x3[g] = _mm256_set1_epi32(static_cast<int>(c.c3));
  }
  std::uint32_t ka = k0, kb = k1;
  for (int round = 0; round < kRounds; ++round) {
    const __m256i key0 = _mm256_set1_epi32(static_cast<int>(ka)),
                  key1 = _mm256_set1_epi32(static_cast<int>(kb));
    for (int g = 0; g < Groups; ++g) {
      // Products of the even lanes and of the odd lanes, then split into low and high halves.
      const __m256i even0 = _mm256_mul_epu32(x0[g], mul0),
                    odd0 = _mm256_mul_epu32(_mm256_srli_epi64(x0[g], 32), mul0);
      const __m256i even1 = _mm256_mul_epu32(x2[g], mul1),
                    odd1 = _mm256_mul_epu32(_mm256_srli_epi64(x2[g], 32), mul1);
      const __m256i lo0 = _mm256_blend_epi32(even0, _mm256_slli_epi64(odd0, 32), 0xAA);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(even0, 32), odd0, 0xAA);
      const __m256i lo1 = _mm256_blend_epi32(even1, _mm256_slli_epi64(odd1, 32), 0xAA);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(even1, 32), odd1, 0xAA);
      x0[g] = _mm256_xor_si256(_mm256_xor_si256(hi1, x1[g]), key0);
      x2[g] = _mm256_xor_si256(_mm256_xor_si256(hi0, x3[g]), key1);
      x1[g] = lo1;
      x3[g] = lo0;
    }
    ka += kWeyl0;
    kb += kWeyl1;
  }
  for (int g = 0; g < Groups; ++g) {
    // Interleave the four words of each block: (x0 x1 x2 x3) of lane 0, of lane 1, ...
    const __m256i a = _mm256_unpacklo_epi32(x0[g], x1[g]), e1 = _mm256_unpackhi_epi32(x0[g], x1[g]);
    const __m256i d = _mm256_unpacklo_epi32(x2[g], x3[g]), e = _mm256_unpackhi_epi32(x2[g], x3[g]);
    const __m256i l0 = _mm256_unpacklo_epi64(a, d), l1 = _mm256_unpackhi_epi64(a, d);
    const __m256i l2 = _mm256_unpacklo_epi64(e1, e), l3 = _mm256_unpackhi_epi64(e1, e);
    // Each 128-bit half now holds one block: lanes 0, 1, 2, 3 in the low halves, 4..7 high.
    std::uint32_t* o = out + 4 * kLanes * g;
    _mm256_storeu2_m128i(reinterpret_cast<__m128i*>(o + 16), reinterpret_cast<__m128i*>(o + 0), l0);
    _mm256_storeu2_m128i(reinterpret_cast<__m128i*>(o + 20), reinterpret_cast<__m128i*>(o + 4), l1);
    _mm256_storeu2_m128i(reinterpret_cast<__m128i*>(o + 24), reinterpret_cast<__m128i*>(o + 8), l2);
    _mm256_storeu2_m128i(reinterpret_cast<__m128i*>(o + 28), reinterpret_cast<__m128i*>(o + 12), l3);
  }
}

__attribute__((target("avx2"))) void avx2_blocks(const Counters& c, std::uint32_t k0, std::uint32_t k1,
                                                 std::size_t n, std::uint32_t* out) {
  vector_blocks<8>(
      c, n, out,
      [ k0, k1 ](auto groups, const Counters& cc, std::size_t b, std::uint32_t* o)
          __attribute__((target("avx2"))) { avx2_step<decltype(groups)::value>(cc, b, k0, k1, o); });
}

// Groups x 16 blocks from block b of `c`, to out.
template <int Groups>
__attribute__((target("avx512f"))) inline void avx512_step(const Counters& c, std::size_t b, std::uint32_t k0,
                                                           std::uint32_t k1, std::uint32_t* out) {
  constexpr std::size_t kLanes = 16;
  const __m512i mul0 = _mm512_set1_epi32(static_cast<int>(kMul0)),
                mul1 = _mm512_set1_epi32(static_cast<int>(kMul1));
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  // The 64-bit products of the even lanes are in `even`, those of the odd lanes in `odd` (low
  // half first): one permute of the two gathers the high halves, one the low halves.
  const __m512i high_halves = _mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
  const __m512i low_halves = _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
  __m512i x0[Groups], x1[Groups], x2[Groups], x3[Groups];
  for (int g = 0; g < Groups; ++g) {
    const std::size_t at = b + kLanes * g;
    x0[g] = c.c0s ? _mm512_loadu_si512(c.c0s + at)
                  : _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(c.first + at)), lane);
    x1[g] = c.c1s ? _mm512_loadu_si512(c.c1s + at) : _mm512_set1_epi32(static_cast<int>(c.c1));
    x2[g] = _mm512_set1_epi32(static_cast<int>(c.c2));
    x3[g] = _mm512_set1_epi32(static_cast<int>(c.c3));
  }
  std::uint32_t ka = k0, kb = k1;
  for (int round = 0; round < kRounds; ++round) {
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(ka)),
                  key1 = _mm512_set1_epi32(static_cast<int>(kb));
    for (int g = 0; g < Groups; ++g) {
      const __m512i even0 = _mm512_mul_epu32(x0[g], mul0),
                    odd0 = _mm512_mul_epu32(_mm512_srli_epi64(x0[g], 32), mul0);
      const __m512i even1 = _mm512_mul_epu32(x2[g], mul1),
                    odd1 = _mm512_mul_epu32(_mm512_srli_epi64(x2[g], 32), mul1);
      const __m512i lo0 = _mm512_permutex2var_epi32(even0, low_halves, odd0);
      const __m512i hi0 = _mm512_permutex2var_epi32(even0, high_halves, odd0);
      const __m512i lo1 = _mm512_permutex2var_epi32(even1, low_halves, odd1);
      const __m512i hi1 = _mm512_permutex2var_epi32(even1, high_halves, odd1);
      x0[g] = _mm512_ternarylogic_epi32(hi1, x1[g], key0, 0x96);  // three-way xor
      x2[g] = _mm512_ternarylogic_epi32(hi0, x3[g], key1, 0x96);
      x1[g] = lo1;
      x3[g] = lo0;
    }
    ka += kWeyl0;
    kb += kWeyl1;
  }
  for (int g = 0; g < Groups; ++g) {
    // Interleave the four words of each block, as for AVX2: per 128-bit chunk one block, then
    // the chunks put in lane order.
    const __m512i a = _mm512_unpacklo_epi32(x0[g], x1[g]), e1 = _mm512_unpackhi_epi32(x0[g], x1[g]);
    const __m512i d = _mm512_unpacklo_epi32(x2[g], x3[g]), e = _mm512_unpackhi_epi32(x2[g], x3[g]);
    const __m512i l0 = _mm512_unpacklo_epi64(a, d),
                  l1 = _mm512_unpackhi_epi64(a, d);  // lanes 0 4 8 12, 1 5 9 13
    const __m512i l2 = _mm512_unpacklo_epi64(e1, e),
                  l3 = _mm512_unpackhi_epi64(e1, e);  // lanes 2 6 10 14, 3 7 11 15
    const __m512i t0 = _mm512_shuffle_i32x4(l0, l1, 0x88), t1 = _mm512_shuffle_i32x4(l0, l1, 0xDD);
    const __m512i t2 = _mm512_shuffle_i32x4(l2, l3, 0x88), t3 = _mm512_shuffle_i32x4(l2, l3, 0xDD);
    std::uint32_t* o = out + 4 * kLanes * g;
    _mm512_storeu_si512(o + 0, _mm512_shuffle_i32x4(t0, t2, 0x88));   // lanes 0..3
    _mm512_storeu_si512(o + 16, _mm512_shuffle_i32x4(t1, t3, 0x88));  // lanes 4..7
    _mm512_storeu_si512(o + 32, _mm512_shuffle_i32x4(t0, t2, 0xDD));  // lanes 8..11
    _mm512_storeu_si512(o + 48, _mm512_shuffle_i32x4(t1, t3, 0xDD));  // lanes 12..15
  }
}

__attribute__((target("avx512f"))) void avx512_blocks(const Counters& c, std::uint32_t k0, std::uint32_t k1,
                                                      std::size_t n, std::uint32_t* out) {
  vector_blocks<16>(
      c, n, out,
      [ k0, k1 ](auto groups, const Counters& cc, std::size_t b, std::uint32_t* o)
          __attribute__((target("avx512f"))) { avx512_step<decltype(groups)::value>(cc, b, k0, k1, o); });
}

#endif  // __x86_64__

}  // namespace

namespace {
void blocks(SimdPath path, const Counters& c, std::uint32_t k0, std::uint32_t k1, std::size_t n,
            std::uint32_t* out) {
#if defined(__x86_64__)
  if (path == SimdPath::avx512) return avx512_blocks(c, k0, k1, n, out);
  if (path == SimdPath::avx2) return avx2_blocks(c, k0, k1, n, out);
#else
  (void)path;
#endif
  scalar_blocks(c, k0, k1, 0, n, out);
}
}  // namespace

void philox_blocks(SimdPath path, std::uint32_t first, std::uint32_t c1, std::uint32_t c2, std::uint32_t c3,
                   std::uint32_t k0, std::uint32_t k1, std::size_t n, std::uint32_t* out) {
  blocks(path, Counters{first, c1, c2, c3}, k0, k1, n, out);
}

void philox_blocks_at(SimdPath path, const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2,
                      std::uint32_t c3, std::uint32_t k0, std::uint32_t k1, std::size_t n,
                      std::uint32_t* out) {
  blocks(path, Counters{0, 0, c2, c3, c0, c1}, k0, k1, n, out);
}

}  // namespace detail

const std::uint32_t* CounterRng::resident_words(Stream stream, std::uint32_t step, std::uint64_t first,
                                                std::size_t count, std::uint32_t* buffer) const {
  if (count == 0) return buffer;
  // The blocks that hold residents first .. first + count - 1, with the counters of bits().
  const std::uint64_t first_block = first / 4, end_block = (first + count - 1) / 4 + 1;
  const auto s = static_cast<std::uint32_t>(stream);
  detail::philox_blocks(detail::simd_best_path(), static_cast<std::uint32_t>(first_block),
                        static_cast<std::uint32_t>(first_block >> 32), step, s, seed_lo_,
                        seed_hi_ ^ (s << 20), static_cast<std::size_t>(end_block - first_block), buffer);
  return buffer + first % 4;
}

void CounterRng::entity_bits(Stream stream, std::uint64_t first, std::size_t count, std::uint32_t step,
                             std::uint32_t slot, std::uint32_t* out) const {
  const auto s = static_cast<std::uint32_t>(stream);
  // The counters of bits(): the entity's low word counts up; a run never crosses a change of
  // its high word.
  while (count > 0) {
    const auto low = static_cast<std::uint32_t>(first);
    const std::size_t run =
        static_cast<std::size_t>(std::min<std::uint64_t>(count, (std::uint64_t{1} << 32) - low));
    detail::philox_blocks(detail::simd_best_path(), low,
                          static_cast<std::uint32_t>(first >> 32) ^ (slot << 16), step, s, seed_lo_,
                          seed_hi_ ^ (s << 20), run, out);
    first += run;
    count -= run;
    out += 4 * run;
  }
}

void CounterRng::slot_bits(Stream stream, std::uint64_t entity, std::uint32_t step, std::uint32_t slots,
                           std::uint32_t* out) const {
  const auto s = static_cast<std::uint32_t>(stream);
  const auto high = static_cast<std::uint32_t>(entity >> 32);
  // The counters of bits(), a batch at a time.
  constexpr std::uint32_t kBatch = 64;
  std::array<std::uint32_t, kBatch> c0, c1;
  c0.fill(static_cast<std::uint32_t>(entity));
  for (std::uint32_t first = 0; first < slots; first += kBatch) {
    const std::uint32_t n = std::min(kBatch, slots - first);
    for (std::uint32_t k = 0; k < n; ++k) c1[k] = high ^ ((first + k) << 16);
    detail::philox_blocks_at(detail::simd_best_path(), c0.data(), c1.data(), step, s, seed_lo_,
                             seed_hi_ ^ (s << 20), n, out + 4 * static_cast<std::size_t>(first));
  }
}

}  // namespace valinta
