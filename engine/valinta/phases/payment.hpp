#pragma once
// M6 payments and producer finances.
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/params/payment.hpp"
#include "valinta/model/population.hpp"
#include "valinta/model/types.hpp"

namespace valinta {

struct State;

// Capitation risk cells: age band x sex x need level x low income (deciles 1-3).
inline constexpr int kRiskCells = kAgeBands * 2 * kNeedLevels * 2;
inline int risk_cell(int age_band, bool female, int need, bool low_income) {
  return ((age_band * 2 + (female ? 1 : 0)) * kNeedLevels + need) * 2 + (low_income ? 1 : 0);
}
// Resident i's cell if their need level were `need`.
inline int risk_cell(const Residents& r, std::size_t i, int need) {
  return risk_cell(kAgeBandOfAge[r.age[i]], (r.flags[i] & Residents::kFemale) != 0, need,
                   r.income_decile[i] <= 3);
}
// This process's residents counted by producer and risk cell, [producer * kRiskCells + cell]
// (optionally the eligible only). State::risk_cells holds this count (all residents) and is
// kept current by the needs phase and by every switch; this recounts from scratch.
std::vector<std::int64_t> count_risk_cells(const State& sim, bool eligible_only = false);

// How much of a producer's pay for one more visit comes from fees rather than capitation
// (0: pure capitation, 1: pure fee for service). Drives producers' behaviour in M2 and M4.
double fee_for_service_incentive(const PaymentParams& p, double visits_per_resident_year);

// Risk-weight normalisation (mean 1 over the pilot population at the start).
void initialise_payments(State& sim);
// The risk weight of one resident before normalisation.
double raw_risk_weight(const PaymentParams& p, int age_band, bool female, int need, int income_decile);

void run_payment(State& sim);

}  // namespace valinta
