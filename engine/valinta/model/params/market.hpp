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
  ChainSpec();  // the declared defaults
  std::string name;
  Sector sector{};
  double capacity_per_week{};  // size of a new unit (whole population; scaled runs scale it)
  double quality{};
  double digital{};
  double hurdle{};  // < 0: market.entry_hurdle
};

struct MarketParams {
  bool enabled{};
  double interval_days{};  // how often the market moves (quarterly)
  std::int64_t min_zone_population{};
  std::int64_t sample_size{};  // residents sampled per candidate site
  double entry_hurdle{};       // expected margin an entrant requires
  double horizon_years{};      // forecast horizon of listings
  std::int64_t exit_after_quarters{};
  bool capacity_adjustment{};
  double capacity_slack{};       // capacity aimed above the recent demand
  double max_capacity_change{};  // per quarter, relative
  std::int64_t max_entries_per_quarter{};
};

struct WorkforceParams {
  double visits_per_fte_week{};  // blended doctor and nurse productivity
  double free_share{};           // staff in the region not employed at the start
  bool private_recruits_from_public{};
  double fee_capacity_growth{};       // pay response: the most capacity rises, x the fee share of pay
  double capitation_capacity_pull{};  // pay response: private and third-sector shrink, x (1 - fee share)
};

void declare_market_params(ParamRegistry& registry, MarketParams& m, WorkforceParams& w);

void declare_chain_fields(ParamRegistry& registry, ChainSpec& c);

}  // namespace valinta
