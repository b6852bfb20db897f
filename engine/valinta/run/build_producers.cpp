#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "valinta/model/state.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/run/build.hpp"
#include "valinta/scenario/diagnostics.hpp"

namespace valinta {

void build_producers(State& sim) {
  const Scenario& s = sim.scenario;
  std::map<std::string, std::uint16_t> zone_index;
  for (std::size_t z = 0; z < sim.zones.size(); ++z)
    zone_index[sim.zones[z].spec.name] = static_cast<std::uint16_t>(z);

  std::vector<ProducerSpec> specs = s.producers;
  std::vector<bool> has_public(sim.zones.size(), false);
  for (const auto& spec : specs)
    if (spec.sector == Sector::public_sector && spec.opens.empty())
      has_public[zone_index.at(spec.zone)] = true;
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
    station.sector = Sector::public_sector;
    station.zone = sim.zones[z].spec.name;
    specs.push_back(station);
  }
  if (!missing.empty()) throw ScenarioError(std::move(missing));

  const ChoiceParams& c = s.choice;
  for (const auto& spec : specs) {
    Producer p;
    p.spec = spec;
    if (p.spec.owner.empty()) p.spec.owner = spec.name;
    p.sector = spec.sector;
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

void size_auto_capacity(State& sim) {
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
