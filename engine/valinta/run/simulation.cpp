#include "valinta/run/simulation.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <set>

#include "valinta/phases/choice.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/events.hpp"
#include "valinta/phases/market.hpp"
#include "valinta/phases/needs.hpp"
#include "valinta/phases/organiser.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/plans.hpp"
#include "valinta/phases/record.hpp"
#include "valinta/phases/referral.hpp"
#include "valinta/phases/service.hpp"
#include "valinta/run/build.hpp"

namespace valinta {

Simulation::Simulation(const Scenario& s, RunOptions opts) : State(s, opts) {
  const auto start = std::chrono::steady_clock::now();
  queue_steps = std::max(2, static_cast<int>(std::ceil(s.service.queue_max_weeks * 7.0 /
                                                       static_cast<double>(s.time.step_days))) +
                                1);
  const std::set<std::string> pilot(s.pilot.zones.begin(), s.pilot.zones.end());
  for (const auto& spec : s.zones) {
    Zone z;
    z.spec = spec;
    z.in_pilot = pilot.count(spec.name) > 0;
    // Settlement size follows the real population, whatever fraction of it is simulated.
    z.spread_km = spec.spread_km < 0 ? s.population.spread_km_min +
                                           s.population.spread_km_per_sqrt_thousand *
                                               std::sqrt(static_cast<double>(spec.population) / 1000.0)
                                     : spec.spread_km;
    zones.push_back(std::move(z));
  }
  build_producers(*this);
  add_entrant_slots(*this);
  for (Zone& zone : zones) zone.candidate_places = candidate_place_columns(*this, zone);
  build_population(*this);
  size_auto_capacity(*this);
  initialise_workforce(*this);
  std::vector<std::int64_t> listed(producers.size(), 0);
  for (std::size_t i = 0; i < residents.size(); ++i) ++listed[residents.listed[i]];
  comm->sum(listed);
  for (std::size_t j = 0; j < producers.size(); ++j) producers[j].n_listed = listed[j];
  for (const Producer& p : producers)
    if (!p.active && p.n_listed > 0)
      throw std::logic_error("residents listed at a producer that is not open");
  initialise_payments(*this);
  initialise_organiser(*this);
  away_from_home = count_away_from_home(*this);
  flows.reset(producers.size(), zones.size(), static_cast<std::size_t>(queue_steps));
  recorder.start(*this);
  setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

namespace {
// The phases of one step (docs/ODD.md section 3), in order. A phase with no function of its own
// runs inside an earlier phase's pass over the residents (`runs_in`), at its place in the order.
struct Phase {
  const char* name;
  void (*run)(State&);
  const char* runs_in = nullptr;
};
constexpr std::array<Phase, kPhaseCount> kPhases = {{
    {"events", run_events},  // 1. scheduled events, the pilot's timeline, publication of indicators
    // 2. M1 need-level transitions, with M8 customer plans for heavy users right after them, and
    {"needs", run_needs},
    {"demand", nullptr, "needs"},  // 3. M2 care contacts joining the queue, in the needs pass
    {"service", run_service},      // 4. M3 FIFO service within capacity, waits, emergency diversion
    {"referral", run_referral},    // 5. M4 referrals to specialised care
    {"choice", run_choice},        // 6. M5 review and switching
    {"payment", run_payment},      // 7. M6 payments and producer finances
    {"organiser", run_organiser},  // 8. M10 the organiser's follow-up of its service promise
    {"market", run_market},        // 9. M7 market entry, exit, capacity and workforce
    {"record", run_record},        // 10. M9 indicators of this step
}};
}  // namespace

const char* phase_name(int phase) { return kPhases[static_cast<std::size_t>(phase)].name; }
const char* phase_runs_in(int phase) { return kPhases[static_cast<std::size_t>(phase)].runs_in; }

void Simulation::step() {
  flows.reset(producers.size(), zones.size(), static_cast<std::size_t>(queue_steps));
  for (std::size_t k = 0; k < kPhases.size(); ++k) {
    if (kPhases[k].run == nullptr) continue;
    const auto start = std::chrono::steady_clock::now();
    kPhases[k].run(*this);
    phase_seconds[k] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  ++t;
}

}  // namespace valinta
