#pragma once
// The simulation: state, the step loop (MODEL.md section 3) and the per-step indicators.
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "valinta/model/population.hpp"
#include "valinta/model/producers.hpp"
#include "valinta/model/types.hpp"
#include "valinta/output/recorder.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/scenario/scenario.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint32_t replication = 0;
  int threads = 0;  // 0: OpenMP's default
};

struct Zone {
  ZoneSpec spec;
  bool in_pilot = false;
  double spread_km = 0;
  std::uint32_t first_resident = 0;  // global resident numbers (Residents::offset)
  std::uint32_t n_residents = 0;
  std::int64_t n_eligible = 0;            // residents eligible to choose (fixed when the population is built)
  std::vector<std::uint16_t> candidates;  // producers that can be within reach of its residents
  // The candidates' places as five columns of candidates.size() (sines and cosines of half their
  // latitude, of half their longitude, cosine of the latitude) for candidate_travel; fixed with
  // the candidates when the run is built.
  std::vector<double> candidate_places;
  // Set by events for one step (information campaign, a new producer nearby) or a while (demand).
  double extra_review = 0;
  SwitchReason extra_reason = SwitchReason::campaign;
  double demand_factor = 1.0;
  int demand_factor_until = 1 << 30;
};

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

// The phases of a step, in the order they run; phase_name(k) names phase k.
constexpr int kPhaseCount = 8;
const char* phase_name(int phase);

class Simulation {
 public:
  Simulation(const Scenario& scenario, RunOptions options);

  // Runs every remaining step; `on_step` is called after each (progress reporting).
  void run(const std::function<void(int step, int steps)>& on_step = {});
  // One step: the phases of MODEL.md section 3 in order.
  void step();

  Scenario scenario;  // a copy: scheduled rule changes modify it during the run
  Scenario initial;   // the scenario as the run started (checkpoints rebuild from it)
  RunOptions options;
  CounterRng rng;
  int t = 0;            // the current step
  int queue_steps = 0;  // length of the cohort ring
  double risk_normaliser = 1.0;
  double workforce_free_fte = 0;                    // staff in the region not employed by any producer (M7)
  std::array<double, kPhaseCount> phase_seconds{};  // wall time spent in each phase (--profile)
  double setup_seconds = 0;            // wall time spent building the run: producers, population (--profile)
  std::vector<std::string> event_log;  // dated, readable record of scheduled and market events

  // The processes of the run: this one holds the residents of zones [first_zone, end_zone)
  // (parallel/partition.hpp); zones and producers are the same on every rank.
  const parallel::Comm* comm = &parallel::Comm::world();
  std::size_t first_zone = 0, end_zone = 0;

  std::vector<Zone> zones;
  std::vector<Producer> producers;
  Residents residents;
  // This process's residents by producer and capitation risk cell ([producer * kRiskCells + cell],
  // phases/payment.hpp), kept current as needs and listings change.
  std::vector<std::int64_t> risk_cells;
  // All processes' risk_cells, summed by the payment phase: kept from step to step, as a fresh
  // megabyte every step is slow to allocate and to communicate under MPI.
  std::vector<std::int64_t> risk_cells_all;
  // This process's residents listed somewhere other than their home station, by their zone and
  // that producer's sector ([zone * kSectors + sector], phases/record.hpp), kept current as
  // listings and home stations change.
  std::vector<std::int64_t> away_from_home;
  StepFlows flows;
  Recorder recorder;

  bool pilot_active() const { return t >= scenario.pilot_start_step && t < scenario.pilot_end_step; }
  int threads() const;
  static int default_threads();  // all cores, or OMP_NUM_THREADS
  // Residents of the whole run (this rank holds residents.size() of them).
  std::int64_t population_size() const {
    std::int64_t n = 0;
    for (const Zone& z : zones) n += z.n_residents;
    return n;
  }
  // Whether this rank holds zone z's residents, and the local index of its first one.
  bool holds_zone(std::size_t z) const { return z >= first_zone && z < end_zone; }
  std::size_t local_first(const Zone& zone) const { return zone.first_resident - residents.offset; }
};

}  // namespace valinta
