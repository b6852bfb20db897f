#pragma once
// The needs phase's pass over the residents (docs/ODD.md 7.1, 7.2, 7.8): M1 need transitions, then
// M8 customer plans and M2 care contacts of each chunk of residents while its rows are still in
// cache. The rules are in phases/needs.cpp, plans.cpp and demand.cpp; this is how they are run
// fast: chunks of residents with one block of random words each, a screen in vector compares for
// the few residents a rule concerns, prefetched rows, per-thread counts summed at the end.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "valinta/model/params/demand.hpp"
#include "valinta/model/types.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/util/rng.hpp"
#include "valinta/util/simd.hpp"

namespace valinta {

struct State;

namespace detail {

// The screen of the demand phase: residents k of a chunk (need, age, flags, draws words) with
// words[k] >= no_contact[(need x kAgeBands + age band) x 2 + occupational health care], listed
// as base + k in order into `out` (room for n); returns how many. Every path gives the same list.
inline constexpr std::size_t kContactCells = kNeedLevels * kAgeBands * 2;
struct ContactScreen {
  explicit ContactScreen(const std::array<std::uint64_t, kContactCells>& no_contact);
  std::array<std::uint64_t, kContactCells> no_contact;           // up to 2^32: never a contact
  alignas(64) std::array<std::uint32_t, kContactCells> below{};  // no_contact - 1, for the vector path
  bool vector_ready = false;  // every threshold at least 1, so `below` holds them all
};
std::size_t maybe_contacts(SimdPath path, const ContactScreen& screen, const std::uint8_t* need,
                           const std::uint8_t* age, const std::uint8_t* flags, const std::uint32_t* words,
                           std::size_t n, std::uint32_t base, std::uint32_t* out);

}  // namespace detail

// M2 runs inside the need phase's pass over the residents, each chunk of residents right after
// its need transitions and customer plans (M1, M8), while its need levels, ages and flags are
// still in cache: a pass of its own would read them from memory again. A DemandPass holds the
// step's tables; each thread hands it the chunks it has moved with its own DemandPass::Local,
// adds that to the step's arrivals, and the arrivals are summed over ranks once.
class DemandPass {
 public:
  struct Local {
    std::vector<std::int64_t> arrivals;                        // [producer x kNeedLevels + level]
    std::array<std::int64_t, kElsewhereKinds> elsewhere{};     // contacts that did not join
    std::array<std::uint32_t, ResidentDraws::kChunk> maybe{};  // a chunk's residents that may have a contact
  };
  explicit DemandPass(const State& sim);
  Local local() const;
  // The contacts of residents [first, end), one chunk of ResidentDraws; `draws` is the thread's.
  void chunk(State& sim, Local& local, ResidentDraws& draws, std::size_t first, std::size_t end) const;
  // Adds one thread's arrivals to the step's (the caller lets one thread at a time).
  static void add(const Local& local, State& sim);
  // Sums the step's arrivals over ranks (collective).
  static void publish(State& sim);

 private:
  template <typename T>
  using Cells = std::array<std::array<std::array<T, 2>, kAgeBands>, kNeedLevels>;
  static Cells<double> rates(const DemandParams& p, double step_weeks);  // contacts per step, by cell
  static Cells<double> exponentials(const Cells<double>& rate);          // exp(-rate): P(no contact)
  static detail::ContactScreen contact_screen(const Cells<double>& exp_rate);
  Cells<double> rate_{}, exp_rate_{};
  Cells<PoissonTable>
      counts_{};  // the counts' distribution of every cell, for residents whose rate has no factor
  std::vector<double> zone_factor_, induced_, join_;
  std::vector<JoinBins> join_bins_;  // of join_, by producer
  // No zone or producer factor: then no contact is the integer test w < no_contact, and most
  // residents need nothing else.
  bool plain_ = false;
  detail::ContactScreen screen_;
  detail::SimdPath path_ = detail::SimdPath::scalar;
};

// M8 runs inside the need phase (phase 2), chunk by chunk right after the chunk's transitions,
// while its need levels and flags are still in cache: a pass of its own would read both columns
// of every resident from memory again. A PlanPass holds the step's probability and total; each
// thread hands it the chunks it has moved with its own PlanPass::Local, adds that to the total,
// and the total is summed over ranks once (as DemandPass does for M2).
class PlanPass {
 public:
  struct Local {
    std::vector<std::int64_t> counts;  // [heavy with a plan by producer, heavy by producer, plans]
    std::array<std::uint32_t, ResidentDraws::kChunk> concerned{};
    std::array<std::uint8_t, ResidentDraws::kChunk> mask{};
  };
  explicit PlanPass(const State& sim);
  Local local() const;
  // Heavy users of residents [first, end) get a plan with the step's probability; the chunk's
  // heavy users and plan holders are counted.
  void chunk(State& sim, Local& local, std::size_t first, std::size_t end) const;
  // Adds one thread's counts to the step's (the caller lets one thread at a time).
  void add(const Local& local);
  // Sums the step's counts over ranks (collective) and hands them to the step's flows.
  void publish(State& sim);

 private:
  double prob_ = 0;                   // per step
  std::vector<std::int64_t> counts_;  // the step's, as Local::counts
};

namespace kernels {

// M1 for every resident of this rank, with M8 and M2 chunk by chunk (run_needs).
void resident_pass(State& sim);
// M2 alone over every resident (run_demand).
void run_demand_alone(State& sim);

}  // namespace kernels

}  // namespace valinta
