#include "valinta/model/params/market.hpp"

namespace valinta {

void declare_market_params(ParamRegistry& r, MarketParams& m, WorkforceParams& w) {
  r.boolean("market.enabled", m.enabled, false,
            {"chains may enter and producers may leave (needs a `chains:` list)", "",
             "design value (docs/ODD.md 7.7)"});
  r.real("market.interval_days", m.interval_days, 91, above(0),
         {"how often entry, exit and capacity are decided", "days",
          "design value: quarterly (docs/ODD.md 7.7)"});
  r.integer("market.min_zone_population", m.min_zone_population, 10000, at_least(0),
            {"candidate sites are centres of pilot zones with at least this population", "residents",
             "Sweden: almost no entry in sparsely populated areas (docs/facts.md, Elsewhere: Sweden)"});
  r.integer("market.sample_size", m.sample_size, 2000, between(10, 1e7),
            {"residents sampled to forecast a candidate site's list", "residents",
             "design value (docs/ODD.md 7.7)"});
  r.real("market.entry_hurdle", m.entry_hurdle, 0.05, between(-1, 1e9),
         {"expected margin (profit / revenue) an entrant requires (a very large value: no entry)", "share",
          "assumption"});
  r.real("market.horizon_years", m.horizon_years, 2, above(0),
         {"horizon of the list forecast", "years", "assumption"});
  r.integer("market.exit_after_quarters", m.exit_after_quarters, 3, between(1, 1000),
            {"quarters of losses in a row after which a private or third-sector producer leaves", "quarters",
             "design value (docs/ODD.md 7.7)"});
  r.boolean("market.capacity_adjustment", m.capacity_adjustment, true,
            {"capacity moves toward demand (within hiring limits) when the market is on", "",
             "design value (docs/ODD.md 7.7)"});
  r.real("market.capacity_slack", m.capacity_slack, 0.05, at_least(0),
         {"capacity aimed above the last quarter's demand", "share", "assumption"});
  r.real("market.max_capacity_change", m.max_capacity_change, 0.1, probability(),
         {"largest change of capacity in one quarter", "share", "assumption"});
  r.integer("market.max_entries_per_quarter", m.max_entries_per_quarter, 1, between(0, 1000),
            {"most new units in the region per quarter", "units", "assumption"});
  r.real("workforce.visits_per_fte_week", w.visits_per_fte_week, 70, above(0),
         {"visits one full-time doctor or nurse serves per week (blended)", "visits/week", "assumption"});
  r.real("workforce.free_share", w.free_share, 0.03, between(0, 0.99),
         {"share of the region's primary-care staff not employed at the start", "share", "assumption"});
  r.boolean("workforce.private_recruits_from_public", w.private_recruits_from_public, true,
            {"private producers recruit from public stations when no free staff is left", "",
             "STM 2018: large private firms recruited doctors from the public sector (docs/facts.md, Pilots: "
             "who switched and why)"});
  r.real("workforce.fee_capacity_growth", w.fee_capacity_growth, 0.3, at_least(0),
         {"pay response of capacity: each quarter a producer staffs toward its demand (plus "
          "market.capacity_slack), at least its starting capacity and at most that x (1 + this x the fee "
          "share of pay per visit), hiring from the free workforce (0: off)",
          "share",
          "assumption: producers paid per visit expanded supply (Gosden et al. 2000, Cochrane review of "
          "payment systems); the free workforce (workforce.free_share) bounds it"});
  r.real(
      "workforce.capitation_capacity_pull", w.capitation_capacity_pull, 0.05, between(0, 1),
      {"the opposite pull: a private or third-sector producer's target is x (1 - this x (1 - the fee share "
       "of pay per visit)); public stations keep their staff (0: off)",
       "share", "assumption: a producer paid per resident gains nothing from spare capacity"});
}

ChainSpec::ChainSpec() { set_declared_defaults(*this, declare_chain_fields); }

void declare_chain_fields(ParamRegistry& r, ChainSpec& c) {
  r.text("name", c.name, "", {"chain or organisation", "", ""});
  r.choice("sector", c.sector, Sector::private_sector, kSectorNames,
           {Sector::private_sector, Sector::third_sector}, {"sector of its units", "", ""});
  r.real("capacity_per_week", c.capacity_per_week, 300, above(0),
         {"largest capacity of a new unit (a unit is sized to its forecast list up to this)", "visits/week",
          ""});
  r.real("quality", c.quality, 0, between(-5, 5), {"latent quality of its units", "SD", ""});
  r.real("digital", c.digital, 0.5, probability(), {"digital services level of its units", "0-1", ""});
  r.real_or_auto("hurdle", c.hurdle, between(-1, 1e9),
                 {"expected margin it requires (auto: market.entry_hurdle)", "share", ""});
}

}  // namespace valinta
