#pragma once
// The parameters of M10, the organiser's follow-up of its service promise: their fields, and their
// declarations (meaning, unit, default, range, source) for the scenario reader, the reference and
// `valinta show`.
#include "valinta/scenario/params.hpp"

namespace valinta {

struct OrganiserParams {
  bool enabled{};
  double review_weeks{};         // length of a follow-up period
  double min_visits{};           // fewest visits in a period for a finding of breach
  double satisfaction_target{};  // lowest mean experience (SD) that is not a breach
  bool zone_follow_up{};         // a zone short of the promise is acted on at its worst public station
  bool temporary_capacity{};     // instrument: temporary capacity at a public station in breach
  double temporary_capacity_share{};
  double temporary_capacity_eur_per_visit{};
  bool vouchers{};  // instrument: capacity bought from private and third-sector producers
  double voucher_eur_per_visit{};
  bool performance_pay{};  // instrument: capitation withheld from producers in breach
  double withheld_share{};
  bool publication{};  // instrument: breaches published to residents who see information
  double breach_utility{};
  double budget_eur_per_year{};  // bound on temporary capacity and vouchers (0: none)
};

void declare_organiser_params(ParamRegistry& registry, OrganiserParams& p);

}  // namespace valinta
