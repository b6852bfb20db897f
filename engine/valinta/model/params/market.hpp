#pragma once
// The parameters of M7 market and workforce; the `chains:` list: their fields, and their declarations
// (meaning, unit, default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

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

}  // namespace valinta
