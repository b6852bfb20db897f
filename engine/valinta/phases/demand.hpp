#pragma once
// M2 demand: each resident's care contacts per step.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"
#include "valinta/util/simd.hpp"

namespace valinta {

class Simulation;

struct DemandParams {
  std::vector<double> visit_rate;  // contacts per week by need level
  std::vector<double> age_factor;  // by age band
  double ohc_offload = 0.5;        // share of use moved to occupational health care
  double induced_visits = 0.15;    // extra contacts per unit of fee-for-service incentive
};

void declare_demand_params(ParamRegistry& registry, DemandParams& p);

// Expected contacts per week of one resident.
double demand_rate(const DemandParams& p, int level, int age_band, bool ohc);

void run_demand(Simulation& sim);

namespace detail {
// The screen of the demand phase: residents k of a chunk (need, age, flags, draws words) with
// words[k] >= no_contact[(need x kAgeBands + age band) x 2 + occupational health care], listed
// as base + k in order into `out` (room for n); returns how many. Every path gives the same list.
inline constexpr std::size_t kContactCells = kNeedLevels * kAgeBands * 2;
struct ContactScreen {
  explicit ContactScreen(const std::array<std::uint64_t, kContactCells>& no_contact);
  std::array<std::uint64_t, kContactCells> no_contact;  // up to 2^32: never a contact
  alignas(64) std::array<std::uint32_t, kContactCells> below{};  // no_contact - 1, for the vector path
  bool vector_ready = false;  // every threshold at least 1, so `below` holds them all
};
std::size_t maybe_contacts(SimdPath path, const ContactScreen& screen, const std::uint8_t* need, const std::uint8_t* age,
                           const std::uint8_t* flags, const std::uint32_t* words, std::size_t n, std::uint32_t base,
                           std::uint32_t* out);
}  // namespace detail

}  // namespace valinta
