#include "valinta/model/params/producers.hpp"

namespace valinta {

void declare_producer_params(ParamRegistry& r, ProducerDefaults& p) {
  r.real_list("producers_default.cost_per_visit_eur", p.cost_per_visit_eur, {42.0, 40.0, 41.0}, 3,
              at_least(0),
              {"variable cost of one visit by sector (public, private, third sector)", "EUR",
               "illustrative assumption; calibrate to local unit costs"});
  r.real("producers_default.fixed_cost_eur_per_capacity_week", p.fixed_cost_eur_per_capacity_week, 20.0,
         at_least(0),
         {"fixed weekly cost of one visit of weekly capacity (premises, staff on duty)", "EUR",
          "illustrative assumption"});
  r.boolean("producers_default.public_station_per_zone", p.public_station_per_zone, true,
            {"add a public health station at the centre of every zone that has none", "",
             "Finnish municipalities each run at least one health station"});
}

ProducerSpec::ProducerSpec() { set_declared_defaults(*this, declare_producer_fields); }

void declare_producer_fields(ParamRegistry& r, ProducerSpec& p) {
  r.text("name", p.name, "", {"producer name, unique", "", ""});
  r.choice(
      "sector", p.sector, Sector::public_sector, kSectorNames,
      {"public (the regional business unit), private or third_sector", "", "design value (docs/ODD.md 2.3)"});
  r.text("owner", p.owner, "", {"chain or organisation (empty: its own name)", "", ""});
  r.text("zone", p.zone, "", {"zone where the unit is", "", ""});
  r.real("lat", p.lat, std::numeric_limits<double>::quiet_NaN(), between(-90, 90),
         {"latitude (omit for the zone centre)", "degrees", "WGS84"});
  r.real("lon", p.lon, std::numeric_limits<double>::quiet_NaN(), between(-180, 180),
         {"longitude (omit for the zone centre)", "degrees", "WGS84"});
  r.real_or_auto("capacity_per_week", p.capacity_per_week, at_least(0),
                 {"visits the unit can serve per week (auto: the expected demand of its initial "
                  "list x service.capacity_ratio)",
                  "visits/week", ""});
  r.integer(
      "listing_cap", p.listing_cap, 0, at_least(0),
      {"most residents it accepts on its list (0: no cap)", "residents", "design value (docs/ODD.md 7.5.5)"});
  r.real("quality", p.quality, 0, between(-5, 5),
         {"latent true quality", "SD", "design value (docs/ODD.md 2.3)"});
  r.real("digital", p.digital, 0, probability(), {"digital services level", "0-1", ""});
  r.boolean("digital_first", p.digital_first, false,
            {"a digital-first unit every resident may consider regardless of distance", "",
             "design value (docs/ODD.md 7.5.2)"});
  r.real_or_auto("doctor_share", p.doctor_share, probability(),
                 {"share of visits that are doctor visits (auto: the sector default)", "share",
                  "STM interim report 2018: private units did more doctor visits"});
  r.real_or_auto("cost_per_visit_eur", p.cost_per_visit_eur, at_least(0),
                 {"variable cost of one visit (auto: the sector default)", "EUR", ""});
  r.real_or_auto("fixed_cost_eur_per_capacity_week", p.fixed_cost_eur_per_capacity_week, at_least(0),
                 {"fixed weekly cost per visit of weekly capacity (auto: default)", "EUR", ""});
  r.real("referral_propensity", p.referral_propensity, 1.0, at_least(0),
         {"multiplier on the referral probability", "", "design value (docs/ODD.md 7.4)"});
  r.date("opens", p.opens, "", {"date the unit opens (omit: open from the start)", "date", ""});
  r.date("closes", p.closes, "",
         {"date the unit closes; its listed residents choose again (omit: stays open)", "date", ""});
}

}  // namespace valinta
