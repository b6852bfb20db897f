#pragma once
// The parameters of M6 payments: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

// rules.voucher_services: which visits at private and third-sector producers vouchers pay for.
enum class VoucherServices : std::uint8_t { none, doctor, nurse, all };
inline constexpr std::array<std::string_view, 4> kVoucherServicesNames = {"none", "doctor", "nurse", "all"};
// Whether vouchers pay for doctor visits, and for nurse visits.
inline bool vouchers_pay_doctor(VoucherServices v) {
  return v == VoucherServices::doctor || v == VoucherServices::all;
}
inline bool vouchers_pay_nurse(VoucherServices v) {
  return v == VoucherServices::nurse || v == VoucherServices::all;
}

struct PaymentParams {
  double capitation_eur_per_year{};
  bool risk_adjustment{};
  double fee_for_service_eur{};
  double client_fee_doctor_eur{};
  double client_fee_nurse_eur{};
  std::vector<double> risk_weight_age;   // by age band
  std::vector<double> risk_weight_sex;   // male, female
  std::vector<double> risk_weight_need;  // by need level
  double risk_weight_low_income{};       // income deciles 1-3
  double heavy_service_eur_per_week{};
  // Client fees per sector (when fees_by_sector), performance pay and service vouchers.
  bool fees_by_sector{};
  std::vector<double> client_fee_doctor_eur_by_sector;
  std::vector<double> client_fee_nurse_eur_by_sector;
  double performance_pay_share{};  // share of the capitation budget paid by indicator
  double performance_target{};     // share of visits within the care guarantee to qualify
  VoucherServices voucher_services{};
  double voucher_value_eur{};
  double voucher_copayment_eur{};
};

void declare_payment_params(ParamRegistry& registry, PaymentParams& p);

}  // namespace valinta
