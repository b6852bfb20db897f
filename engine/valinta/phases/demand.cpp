// Phase 3: M2 demand. Contacts per step ~ Poisson(visit_rate[level] x age factor x
// (1 - ohc_offload if covered by occupational health care)). Contacts join the queue of the
// listed producer, in this step's arrival cohort, counted by need level. A resident remembers
// where their oldest waiting contact queues, so M3 can tell them how it was resolved.
#include "valinta/phases/demand.hpp"

#include <algorithm>

#include "valinta/model/state.hpp"
#include "valinta/phases/detail/resident_pass.hpp"
#include "valinta/phases/payment.hpp"

namespace valinta {

double demand_rate(const DemandParams& p, int level, int age_band, bool ohc) {
  return p.visit_rate[level] * p.age_factor[age_band] * (ohc ? 1.0 - p.ohc_offload : 1.0);
}

double induced_visit_factor(const Scenario& s, double expected_wait_weeks) {
  const double incentive = s.demand.induced_visits * fee_for_service_incentive(s.payment, 4.5);
  return 1.0 + incentive * std::max(0.0, 1.0 - expected_wait_weeks);
}

void run_demand(State& sim) { kernels::run_demand_alone(sim); }

}  // namespace valinta
