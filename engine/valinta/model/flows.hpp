#pragma once
// The flows of one step (MODEL.md section 3): what the phases counted, read by the record phase.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "valinta/model/types.hpp"

namespace valinta {

// Flows of one step, by producer where that makes sense; filled by the phases, read by record.
struct StepFlows {
  std::array<std::array<std::int64_t, kNeedLevels>, kNeedLevels> need_flows{};
  std::vector<std::int64_t> arrivals;       // [producer * kNeedLevels + level]
  std::vector<std::int64_t> served;         // [producer * kNeedLevels + level]
  std::vector<std::int64_t> served_doctor;  // [producer]
  std::vector<std::int64_t> served_within_guarantee;
  std::vector<std::int64_t> diverted;
  std::vector<std::int64_t> referrals;
  std::vector<std::int64_t> wait_histogram;  // [producer * queue_steps + age in steps]
  std::vector<std::int64_t> cohort_before;   // [producer * queue_steps + age]
  std::vector<std::int64_t> cohort_served;
  std::vector<std::int64_t> cohort_diverted;
  std::vector<std::int64_t> switches_in;  // [producer]
  std::vector<std::int64_t> switches_out;
  std::array<std::int64_t, kSwitchReasons> switches_by_reason{};
  std::array<std::int64_t, kAgeBands> switches_by_age_band{};
  std::array<std::int64_t, kIncomeDeciles> switches_by_income_decile{};
  std::vector<std::int64_t> switches_by_zone;          // [zone]
  std::vector<double> payments;                        // [producer * kPaymentKinds + kind]
  std::vector<double> producer_cost;                   // [producer]
  std::vector<std::int64_t> n_heavy_listed;            // [producer]
  std::vector<double> risk_weight_sum;                 // [producer]
  std::vector<std::int64_t> transferred_out;           // [producer] queue moved away when it closed
  std::vector<std::int64_t> transferred_in;            // [producer] queue taken over
  std::vector<std::int64_t> referrals_refused;         // [producer] by a non-neutral business unit
  std::vector<std::int64_t> served_within_promise;     // [producer]
  std::vector<std::int64_t> n_heavy_plan_listed;       // [producer] heavy users with a customer plan
  std::vector<std::int64_t> unmet_by_zone;             // [zone] contacts late or diverted (residents' view)
  std::vector<std::uint8_t> producer_event;            // [producer] ProducerEvent of this step
  std::int64_t plan_contacts = 0;                      // plan holders' resolved contacts
  std::int64_t plan_contacts_continuous = 0;           // ... served where they are listed
  std::int64_t n_plans = 0;                            // residents with a customer plan
  std::array<double, kPaymentKinds> organiser_side{};  // the organiser's and residents' books
  std::int64_t n_heavy = 0;
  std::int64_t reviews = 0;

  void reset(std::size_t producers, std::size_t zones, std::size_t queue_steps);
};

}  // namespace valinta
