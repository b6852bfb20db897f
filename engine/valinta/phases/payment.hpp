#pragma once
// M6 payments and producer finances.
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/population.hpp"
#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

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
// (optionally the eligible only). Simulation::risk_cells holds this count (all residents) and is
// kept current by the needs phase and by every switch; this recounts from scratch.
std::vector<std::int64_t> count_risk_cells(const Simulation& sim, bool eligible_only = false);

struct PaymentParams {
  double capitation_eur_per_year = 230;
  bool risk_adjustment = true;
  double fee_for_service_eur = 0;
  double client_fee_doctor_eur = 20.90;
  double client_fee_nurse_eur = 11.40;
  std::vector<double> risk_weight_age;   // by age band
  std::vector<double> risk_weight_sex;   // male, female
  std::vector<double> risk_weight_need;  // by need level
  double risk_weight_low_income = 1.1;   // income deciles 1-3
  double heavy_service_eur_per_week = 250;
  // Client fees per sector (when fees_by_sector), performance pay and service vouchers.
  bool fees_by_sector = false;
  std::vector<double> client_fee_doctor_eur_by_sector;
  std::vector<double> client_fee_nurse_eur_by_sector;
  double performance_pay_share = 0;       // share of the capitation budget paid by indicator
  double performance_target = 0.9;        // share of visits within the care guarantee to qualify
  std::string voucher_services = "none";  // none, doctor, nurse, all
  double voucher_value_eur = 0;
  double voucher_copayment_eur = 0;
};

void declare_payment_params(ParamRegistry& registry, PaymentParams& p);

// How much of a producer's pay for one more visit comes from fees rather than capitation
// (0: pure capitation, 1: pure fee for service). Drives producers' behaviour in M2 and M4.
double fee_for_service_incentive(const PaymentParams& p, double visits_per_resident_year);

// Risk-weight normalisation (mean 1 over the pilot population at the start).
void initialise_payments(Simulation& sim);
// The risk weight of one resident before normalisation.
double raw_risk_weight(const PaymentParams& p, int age_band, bool female, int need, int income_decile);

void run_payment(Simulation& sim);

}  // namespace valinta
