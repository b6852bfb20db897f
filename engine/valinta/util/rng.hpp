#pragma once
// Counter-based random numbers (Random123 Philox4x32-10).
//
// Every draw in Valinta is a pure function of (seed, replication, stream, entity, step, slot):
// no generator carries state from one resident, producer or step to the next. A resident's
// draws are therefore the same whichever thread or MPI rank processes it and in whatever
// order, and two scenarios that do the same thing draw the same numbers (common random
// numbers for paired comparisons).
#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

#include "valinta/util/simd.hpp"

namespace valinta {

// One named stream per process of the model; the value is part of the key, so streams never
// overlap. Append new streams at the end: renumbering would change every result.
enum class Stream : std::uint32_t {
  population = 1,       // building residents
  needs = 2,            // M1 transitions
  demand = 3,           // M2 contacts
  service = 4,          // M3 diversions and visit kinds (producer-level)
  service_outcome = 5,  // M3 resident-level resolution of waiting contacts
  referral = 6,         // M4
  review = 7,           // M5 review hazard
  choice_noise = 8,     // M5 Gumbel noise
  producers = 9,        // producer set-up
  listing_cap = 10,     // M5 priority when a listing cap binds
  plans = 11,           // M8 customer plans
  favouritism = 12,     // M4 referrals refused by a non-neutral business unit
  design = 13,          // sweeps: Latin hypercube permutations and positions
  emergency = 14,       // M3 baseline emergency visits (producer-level)
};

class CounterRng {
 public:
  using Philox = r123::Philox4x32;

  CounterRng(std::uint64_t seed, std::uint32_t replication)
      : seed_lo_(static_cast<std::uint32_t>(seed)),
        seed_hi_(static_cast<std::uint32_t>(seed >> 32) ^ (replication * 0x9E3779B9u)) {}

  // Four independent 32-bit words for (stream, entity, step, slot).
  std::array<std::uint32_t, 4> bits(Stream stream, std::uint64_t entity, std::uint32_t step,
                                    std::uint32_t slot = 0) const {
    Philox::key_type key = {{seed_lo_, seed_hi_ ^ (static_cast<std::uint32_t>(stream) << 20)}};
    Philox::ctr_type ctr = {{static_cast<std::uint32_t>(entity),
                             static_cast<std::uint32_t>(entity >> 32) ^ (slot << 16), step,
                             static_cast<std::uint32_t>(stream)}};
    const auto r = Philox()(ctr, key);
    return {r[0], r[1], r[2], r[3]};
  }

  // Four uniforms in the open interval (0, 1).
  std::array<double, 4> uniforms(Stream stream, std::uint64_t entity, std::uint32_t step,
                                 std::uint32_t slot = 0) const {
    return units(bits(stream, entity, step, slot).data());
  }
  // The four uniforms of a block's words w[0 .. 3] (as uniforms() gives them).
  static std::array<double, 4> units(const std::uint32_t* w) {
    return {to_unit(w[0]), to_unit(w[1]), to_unit(w[2]), to_unit(w[3])};
  }

  static double to_unit(std::uint32_t x) { return (static_cast<double>(x) + 0.5) * 0x1p-32; }

  // Integer forms of the tests on u = to_unit(w), for loops over many residents (exact: scaling
  // by 2^32 and subtracting 1/2 lose nothing for 0 <= p <= 1):
  //   u < p   <=>  w <  words_below(p)
  //   u > q   <=>  w >= words_at_most(q)
  static std::uint64_t words_below(double p) { return clamp_words(std::ceil(p * 0x1p32 - 0.5)); }
  static std::uint64_t words_at_most(double q) { return clamp_words(std::floor(q * 0x1p32 - 0.5) + 1); }

  // Per-resident draws of the resident phases (needs, demand, review, plans, waiting contacts).
  // Four residents share one block: resident g's word in (stream, step) is word g % 4 of
  // bits(stream, g / 4, step), so a phase costs a quarter of a block per resident and the draw
  // is still a pure function of the resident's global number.
  std::uint32_t resident_word(Stream stream, std::uint64_t resident, std::uint32_t step) const {
    return bits(stream, resident / 4, step)[resident % 4];
  }
  // The words of residents first, first + 1, ..., first + count - 1, computed many blocks at a
  // time (SIMD where the processor has it; every path gives the same numbers). `buffer` must
  // hold resident_buffer_size(count) words; the result points into it: result[k] is resident
  // first + k's word.
  const std::uint32_t* resident_words(Stream stream, std::uint32_t step, std::uint64_t first,
                                      std::size_t count, std::uint32_t* buffer) const;
  static constexpr std::size_t resident_buffer_size(std::size_t count) { return 4 * (count / 4 + 2); }

  // bits(stream, entity, step, slot) of entities first .. first + count - 1, many blocks at a
  // time: entity first + k's four words go to out[4k .. 4k + 3] (out holds 4 count words).
  void entity_bits(Stream stream, std::uint64_t first, std::size_t count, std::uint32_t step,
                   std::uint32_t slot, std::uint32_t* out) const;

  // bits(stream, entity, step, slot) of slots 0 .. slots - 1 of one entity, many blocks at a
  // time: slot s's four words go to out[4s .. 4s + 3] (out holds 4 slots words).
  void slot_bits(Stream stream, std::uint64_t entity, std::uint32_t step, std::uint32_t slots,
                 std::uint32_t* out) const;

 private:
  static std::uint64_t clamp_words(double x) {
    return x <= 0 ? 0 : x >= 0x1p32 ? (std::uint64_t{1} << 32) : static_cast<std::uint64_t>(x);
  }

  std::uint32_t seed_lo_;
  std::uint32_t seed_hi_;
};

// Resident phases hand their chunks to threads kChunksPerGrab at a time, as the threads become
// free (schedule(dynamic)): a thread slowed by anything else on the machine takes fewer. Nothing
// a phase computes depends on which thread did a chunk.
inline constexpr int kChunksPerGrab = 8;

// One thread's words for the residents of a chunk (CounterRng::resident_words): resident phases
// walk their residents in chunks of up to kChunk and draw each chunk's words at once.
class ResidentDraws {
 public:
  static constexpr std::size_t kChunk = 1024;
  static std::int64_t chunks(std::size_t residents) {
    return static_cast<std::int64_t>((residents + kChunk - 1) / kChunk);
  }
  // The residents [first, end) of chunk c of `residents`.
  struct Range {
    std::size_t first, end;
  };
  static Range chunk(std::int64_t c, std::size_t residents) {
    const std::size_t first = static_cast<std::size_t>(c) * kChunk;
    return {first, std::min(residents, first + kChunk)};
  }
  // Words of global residents first .. first + count - 1 (count <= kChunk).
  const std::uint32_t* operator()(const CounterRng& rng, Stream stream, std::uint32_t step,
                                  std::uint64_t first, std::size_t count) {
    return rng.resident_words(stream, step, first, count, buffer_.data());
  }

 private:
  std::array<std::uint32_t, CounterRng::resident_buffer_size(kChunk)> buffer_;
};

// A standard-conforming uniform random bit generator over one (stream, entity, step) key, for
// Boost.Random distributions that need a sequence of draws (binomial, normal). It walks the
// slot counter, so it is as reproducible as the single draws above.
class KeyedEngine {
 public:
  using result_type = std::uint32_t;
  KeyedEngine(const CounterRng& rng, Stream stream, std::uint64_t entity, std::uint32_t step)
      : rng_(rng), stream_(stream), entity_(entity), step_(step) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() {
    if (index_ == 4) {
      buffer_ = rng_.bits(stream_, entity_, step_, slot_++);
      index_ = 0;
    }
    return buffer_[index_++];
  }
  double uniform() { return CounterRng::to_unit((*this)()); }

 private:
  const CounterRng& rng_;
  Stream stream_;
  std::uint64_t entity_;
  std::uint32_t step_;
  std::uint32_t slot_ = 0;
  std::array<std::uint32_t, 4> buffer_{};
  int index_ = 4;
};

// Poisson by inversion from one uniform: exact for the small weekly rates of M2.
// `exp_minus_lambda` is exp(-lambda), passed in when it is tabulated.
inline int poisson_from_uniform(double lambda, double u, double exp_minus_lambda) {
  double p = exp_minus_lambda;
  double cdf = p;
  int k = 0;
  while (u > cdf && k < 64) {
    ++k;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}
inline int poisson_from_uniform(double lambda, double u) {
  return poisson_from_uniform(lambda, u, std::exp(-lambda));
}

// The partial sums poisson_from_uniform(lambda, u, exp_minus_lambda) forms, term by term in the
// same order (so the same numbers): cdf[k] after the terms 0 .. k. For a rate used by many draws.
using PoissonTable = std::array<double, 65>;
inline PoissonTable poisson_table(double lambda, double exp_minus_lambda) {
  PoissonTable cdf{};
  double p = exp_minus_lambda;
  cdf[0] = p;
  for (int k = 1; k <= 64; ++k) {
    p *= lambda / k;
    cdf[k] = cdf[k - 1] + p;
  }
  return cdf;
}
// poisson_from_uniform(lambda, u, exp_minus_lambda) with its table: the same count, found by
// comparisons only (the inversion's divisions are a chain of long latencies per draw).
inline int poisson_from_table(const PoissonTable& cdf, double u) {
  int k = 0;
  while (u > cdf[static_cast<std::size_t>(k)] && k < 64) ++k;
  return k;
}

// Where u lies within the bin [lo, hi) it fell in, as a uniform of its own: given the bin (the
// count an inversion drew from u), u is uniform inside it, so (u - lo) / (hi - lo) is a fresh
// uniform independent of the count. Lets one draw decide a count and then something about it.
inline double position_in_bin(double u, double lo, double hi) {
  return hi > lo ? std::clamp((u - lo) / (hi - lo), 0.0, std::nextafter(1.0, 0.0)) : 0.5;
}
// The bin [cdf(k - 1), cdf(k)) of count k of Poisson(lambda) as poisson_from_uniform forms it.
inline std::pair<double, double> poisson_bin(double lambda, double exp_minus_lambda, int k) {
  double p = exp_minus_lambda, cdf = p, below = 0;
  for (int j = 1; j <= k; ++j) {
    below = cdf;
    p *= lambda / j;
    cdf += p;
  }
  return {k == 0 ? 0.0 : below, k >= 64 ? 1.0 : cdf};
}

// Standard Gumbel from one uniform.
inline double gumbel_from_uniform(double u) { return -std::log(-std::log(u)); }

namespace detail {
// Philox4x32-10 of the counters {first + b, c1, c2, c3} under the key {k0, k1}, b = 0 .. n - 1;
// block b's four words go to out[4b .. 4b + 3]. The instruction set is chosen once, at run time
// (simd_best_path in util/simd.hpp); the paths differ only in speed.
void philox_blocks(SimdPath path, std::uint32_t first, std::uint32_t c1, std::uint32_t c2, std::uint32_t c3,
                   std::uint32_t k0, std::uint32_t k1, std::size_t n, std::uint32_t* out);
// The same for blocks whose first two counter words are given one by one: {c0[b], c1[b], c2, c3}.
void philox_blocks_at(SimdPath path, const std::uint32_t* c0, const std::uint32_t* c1, std::uint32_t c2,
                      std::uint32_t c3, std::uint32_t k0, std::uint32_t k1, std::size_t n,
                      std::uint32_t* out);
}  // namespace detail

}  // namespace valinta
