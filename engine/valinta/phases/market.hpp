#pragma once
// Phase 8: M7 market dynamics and workforce. Quarterly, chains evaluate candidate sites with the
// choice model applied to a sample of residents and enter when the expected margin beats a
// hurdle; producers leave after sustained losses; capacity moves toward demand within hiring
// limits, all producers hiring from one regional workforce pool.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

// A private chain or third-sector organisation that may open units (the `chains:` list).
struct ChainSpec {
  std::string name;
  std::string sector = "private";
  double capacity_per_week = 300;  // size of a new unit (whole population; scaled runs scale it)
  double quality = 0;
  double digital = 0.5;
  double hurdle = -1;  // < 0: market.entry_hurdle
};

struct MarketParams {
  bool enabled = false;
  double interval_days = 91;  // how often the market moves (quarterly)
  std::int64_t min_zone_population = 10000;
  std::int64_t sample_size = 2000;  // residents sampled per candidate site
  double entry_hurdle = 0.05;       // expected margin an entrant requires
  double horizon_years = 2;         // forecast horizon of listings
  std::int64_t exit_after_quarters = 3;
  bool capacity_adjustment = true;
  double capacity_slack = 0.05;      // capacity aimed above the recent demand
  double max_capacity_change = 0.1;  // per quarter, relative
  std::int64_t max_entries_per_quarter = 1;
};

struct WorkforceParams {
  double visits_per_fte_week = 70;  // blended doctor and nurse productivity
  double free_share = 0.03;         // staff in the region not employed at the start
  bool private_recruits_from_public = true;
};

void declare_market_params(ParamRegistry& registry, MarketParams& m, WorkforceParams& w);
void declare_chain_fields(ParamRegistry& registry, ChainSpec& c);

// Inactive producer slots, one per chain and candidate zone, so entrants have a place in every
// per-producer series from the start.
void add_entrant_slots(Simulation& sim);
void initialise_workforce(Simulation& sim);

// What the entry forecast needs of every producer, worked out once per forecast.
struct ForecastInputs {
  std::vector<double> fee;  // expected client fee of a visit
  bool informed = true;     // waits and quality are published (rules.information)
};
ForecastInputs forecast_inputs(const Simulation& sim);

// The logit probabilities (no noise) that resident i (a local index) picks each of the closed
// producers `slots` on review, with that one open and the others of `slots` still closed:
// out[s] for slots[s]. The utilities are systematic_utility (choice_utility.hpp) over the
// resident's consideration set (ODD 7.5.5).
void choice_probabilities(const Simulation& sim, const ForecastInputs& in, std::size_t i,
                          const std::vector<std::size_t>& slots, double* out);

void run_market(Simulation& sim);

}  // namespace valinta
