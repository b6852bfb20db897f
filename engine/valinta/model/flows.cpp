#include "valinta/model/flows.hpp"

namespace valinta {

void StepFlows::reset(std::size_t producers, std::size_t zones, std::size_t queue_steps) {
  need_flows = {};
  auto zero = [](auto& v, std::size_t n) { v.assign(n, 0); };
  zero(arrivals, producers * kNeedLevels);
  zero(served, producers * kNeedLevels);
  zero(served_doctor, producers);
  zero(served_within_guarantee, producers);
  zero(diverted, producers);
  zero(referrals, producers);
  zero(wait_histogram, producers * queue_steps);
  zero(cohort_before, producers * queue_steps);
  zero(cohort_served, producers * queue_steps);
  zero(cohort_diverted, producers * queue_steps);
  zero(switches_in, producers);
  zero(switches_out, producers);
  switches_by_reason = {};
  switches_by_age_band = {};
  switches_by_income_decile = {};
  zero(switches_by_zone, zones);
  zero(payments, producers * kPaymentKinds);
  zero(producer_cost, producers);
  zero(n_heavy_listed, producers);
  zero(risk_weight_sum, producers);
  organiser_side = {};
  zero(transferred_out, producers);
  zero(transferred_in, producers);
  zero(referrals_refused, producers);
  zero(served_within_promise, producers);
  zero(n_heavy_plan_listed, producers);
  zero(unmet_by_zone, zones);
  producer_event.assign(producers, 0);
  plan_contacts = 0;
  plan_contacts_continuous = 0;
  n_plans = 0;
  n_heavy = 0;
  reviews = 0;
}

}  // namespace valinta
