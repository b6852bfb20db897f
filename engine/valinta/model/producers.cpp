#include "valinta/model/producers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "valinta/model/simulation.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/scenario/diagnostics.hpp"

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

void declare_producer_fields(ParamRegistry& r, ProducerSpec& p) {
  r.text("name", p.name, "", {"producer name, unique", "", ""});
  r.choice("sector", p.sector, "public", {"public", "private", "third_sector"},
           {"public (the regional business unit), private or third_sector", "", "MODEL.md section 2"});
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
  r.integer("listing_cap", p.listing_cap, 0, at_least(0),
            {"most residents it accepts on its list (0: no cap)", "residents", "MODEL.md M5"});
  r.real("quality", p.quality, 0, between(-5, 5), {"latent true quality", "SD", "MODEL.md section 2"});
  r.real("digital", p.digital, 0, probability(), {"digital services level", "0-1", ""});
  r.boolean("digital_first", p.digital_first, false,
            {"a digital-first unit every resident may consider regardless of distance", "", "MODEL.md M5"});
  r.real_or_auto("doctor_share", p.doctor_share, probability(),
                 {"share of visits that are doctor visits (auto: the sector default)", "share",
                  "STM interim report 2018: private units did more doctor visits"});
  r.real_or_auto("cost_per_visit_eur", p.cost_per_visit_eur, at_least(0),
                 {"variable cost of one visit (auto: the sector default)", "EUR", ""});
  r.real_or_auto("fixed_cost_eur_per_capacity_week", p.fixed_cost_eur_per_capacity_week, at_least(0),
                 {"fixed weekly cost per visit of weekly capacity (auto: default)", "EUR", ""});
  r.real("referral_propensity", p.referral_propensity, 1.0, at_least(0),
         {"multiplier on the referral probability", "", "MODEL.md M4"});
  r.date("opens", p.opens, "", {"date the unit opens (omit: open from the start)", "date", ""});
  r.date("closes", p.closes, "",
         {"date the unit closes; its listed residents choose again (omit: stays open)", "date", ""});
}

namespace {
Sector sector_of(const std::string& name) {
  if (name == "private") return Sector::private_sector;
  if (name == "third_sector") return Sector::third_sector;
  return Sector::public_sector;
}
}  // namespace

void build_producers(Simulation& sim) {
  const Scenario& s = sim.scenario;
  std::map<std::string, std::uint16_t> zone_index;
  for (std::size_t z = 0; z < sim.zones.size(); ++z)
    zone_index[sim.zones[z].spec.name] = static_cast<std::uint16_t>(z);

  std::vector<ProducerSpec> specs = s.producers;
  std::vector<bool> has_public(sim.zones.size(), false);
  for (const auto& spec : specs)
    if (spec.sector == "public" && spec.opens.empty()) has_public[zone_index.at(spec.zone)] = true;
  Diagnostics missing;
  for (std::size_t z = 0; z < sim.zones.size(); ++z) {
    if (has_public[z]) continue;
    if (!s.producer_defaults.public_station_per_zone) {
      missing.error(s.source.string(), 0, 0, "producers",
                    fmt::format("zone '{}' has no public station (add one, or set "
                                "producers_default.public_station_per_zone: true)",
                                sim.zones[z].spec.name));
      continue;
    }
    ProducerSpec station;
    station.name = sim.zones[z].spec.name + " health station";
    station.sector = "public";
    station.zone = sim.zones[z].spec.name;
    specs.push_back(station);
  }
  if (!missing.empty()) throw ScenarioError(std::move(missing));

  const ChoiceParams& c = s.choice;
  for (const auto& spec : specs) {
    Producer p;
    p.spec = spec;
    if (p.spec.owner.empty()) p.spec.owner = spec.name;
    p.sector = sector_of(spec.sector);
    p.zone = zone_index.at(spec.zone);
    const ZoneSpec& zone = sim.zones[p.zone].spec;
    p.lat = std::isnan(spec.lat) ? zone.lat : spec.lat;
    p.lon = std::isnan(spec.lon) ? zone.lon : spec.lon;
    p.place = place(p.lat, p.lon);
    const double sector_doctor_share[] = {s.service.doctor_share_public, s.service.doctor_share_private,
                                          s.service.doctor_share_third_sector};
    const int k = static_cast<int>(p.sector);
    p.doctor_share = spec.doctor_share >= 0 ? spec.doctor_share : sector_doctor_share[k];
    p.cost_per_visit =
        spec.cost_per_visit_eur >= 0 ? spec.cost_per_visit_eur : s.producer_defaults.cost_per_visit_eur[k];
    p.fixed_cost_per_capacity_week = spec.fixed_cost_eur_per_capacity_week >= 0
                                         ? spec.fixed_cost_eur_per_capacity_week
                                         : s.producer_defaults.fixed_cost_eur_per_capacity_week;
    // Given capacities and listing caps are for the whole population; a scaled run scales them.
    p.capacity_per_week = std::max(0.0, spec.capacity_per_week) * s.population.scale;
    if (p.spec.listing_cap > 0)
      p.spec.listing_cap = std::max<std::int64_t>(
          1, std::llround(static_cast<double>(p.spec.listing_cap) * s.population.scale));
    p.queue.assign(static_cast<std::size_t>(sim.queue_steps) * kNeedLevels, 0);
    p.published_quality = spec.quality;
    std::int64_t day = 0;
    if (!spec.opens.empty() && parse_iso_date(spec.opens, day))
      p.open_step = static_cast<int>(step_containing_day(s, day));
    if (!spec.closes.empty() && parse_iso_date(spec.closes, day))
      p.close_step = static_cast<int>(step_containing_day(s, day));
    p.active = p.open_step <= 0;
    sim.producers.push_back(std::move(p));
  }

  // Candidates of a zone: producers that a resident living within 2.5 radii of the centre
  // could reach within max_travel_min, every digital-first unit and the zone's own stations.
  for (std::size_t z = 0; z < sim.zones.size(); ++z) {
    Zone& zone = sim.zones[z];
    const double margin_min = zone.spread_km * 2.5 * c.detour_factor / c.speed_kmh * 60.0;
    const Place centre = place(zone.spec.lat, zone.spec.lon);  // its trigonometry once, not per producer
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const Producer& p = sim.producers[j];
      const double minutes = travel_minutes(c, centre, p.place);
      if (p.zone == z || p.spec.digital_first || minutes - margin_min <= c.max_travel_min)
        zone.candidates.push_back(static_cast<std::uint16_t>(j));
    }
  }
}

void size_auto_capacity(Simulation& sim) {
  const Scenario& s = sim.scenario;
  const Residents& r = sim.residents;
  std::vector<double> expected(sim.producers.size(), 0.0);
  // Expected demand per (age band, need, ohc), summed per producer by counting residents first,
  // so the result does not depend on summation order.
  std::vector<std::int64_t> counts(sim.producers.size() * kAgeBands * kNeedLevels * 2, 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const int band = age_band_of(r.age[i]);
    const int ohc = (r.flags[i] & Residents::kOhc) ? 1 : 0;
    ++counts[((r.listed[i] * kAgeBands + band) * kNeedLevels + r.need[i]) * 2 + ohc];
  }
  sim.comm->sum(counts);
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    for (int band = 0; band < kAgeBands; ++band)
      for (int level = 0; level < kNeedLevels; ++level)
        for (int ohc = 0; ohc < 2; ++ohc)
          expected[j] +=
              static_cast<double>(counts[((j * kAgeBands + band) * kNeedLevels + level) * 2 + ohc]) *
              demand_rate(s.demand, level, band, ohc == 1);
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    Producer& p = sim.producers[j];
    if (p.spec.capacity_per_week < 0) p.capacity_per_week = expected[j] * s.service.capacity_ratio;
  }
}

}  // namespace valinta
