#pragma once
// M6 payments and producer finances.
#include <string>
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

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
  double performance_pay_share = 0;   // share of the capitation budget paid by indicator
  double performance_target = 0.9;    // share of visits within the care guarantee to qualify
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
