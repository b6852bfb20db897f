#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "valinta/model/state.hpp"
#include "valinta/parallel/partition.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/needs.hpp"
#include "valinta/run/build.hpp"
#include "valinta/run/detail/population_kernels.hpp"
#include "valinta/util/unit_math.hpp"

namespace valinta {

namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Cut points of latent income (a mixture of the employed, shifted, and the rest) into deciles.
std::vector<double> income_cut_points(double employed_share, double shift) {
  std::vector<double> cuts;
  for (int k = 1; k < kIncomeDeciles; ++k) {
    double lo = -10, hi = 10 + shift;
    for (int it = 0; it < 80; ++it) {
      const double mid = 0.5 * (lo + hi);
      const double F = (1 - employed_share) * normal_cdf(mid) + employed_share * normal_cdf(mid - shift);
      (F < k / 10.0 ? lo : hi) = mid;
    }
    cuts.push_back(0.5 * (lo + hi));
  }
  return cuts;
}

}  // namespace

void build_population(State& sim) {
  const Scenario& s = sim.scenario;
  const PopulationParams& p = s.population;
  std::uint32_t n = 0;
  std::vector<std::uint32_t> zone_residents;
  for (auto& zone : sim.zones) {
    zone.first_resident = n;
    zone.n_residents =
        static_cast<std::uint32_t>(std::llround(static_cast<double>(zone.spec.population) * p.scale));
    n += zone.n_residents;
    zone_residents.push_back(zone.n_residents);
  }
  // This rank builds only its own block of zones (the whole population on one rank).
  const std::vector<std::size_t> blocks = parallel::zone_blocks(zone_residents, sim.comm->size());
  sim.first_zone = blocks[static_cast<std::size_t>(sim.comm->rank())];
  sim.end_zone = blocks[static_cast<std::size_t>(sim.comm->rank()) + 1];
  Residents& r = sim.residents;
  r.offset = sim.first_zone < sim.zones.size() ? sim.zones[sim.first_zone].first_resident : n;
  const std::uint32_t end = sim.end_zone < sim.zones.size() ? sim.zones[sim.end_zone].first_resident : n;
  r.resize(end - r.offset);
  populate(r.columns(), sim.threads());  // before the interleaved fill below (util/column.hpp)

  double employed_share = 0;
  for (int b = 0; b < kAgeBands; ++b) employed_share += p.age_band_shares[b] * p.employment_rate[b];
  const std::vector<double> cuts = income_cut_points(employed_share, p.employed_income_shift);
  std::vector<double> cumulative(kAgeBands);
  std::partial_sum(p.age_band_shares.begin(), p.age_band_shares.end(), cumulative.begin());
  std::vector<std::vector<double>> need_start(kAgeBands);
  for (int b = 0; b < kAgeBands; ++b)
    need_start[b] = stationary_need_distribution(s.needs, b, s.step_weeks());

  // What building a resident needs of their zone: the open public stations of the zone (home
  // candidates) and the length of a degree of longitude at its centre.
  const double km_per_deg_lat = 111.32;
  std::vector<std::vector<std::uint16_t>> own_stations(sim.zones.size());
  std::vector<double> km_per_deg_lon(sim.zones.size());
  // Residents in runs of kernels::kRun within a zone, all zones' runs shared out among the threads at once:
  // the draws of a run (three blocks per resident, slots 0-2 of Stream::population) and their
  // normal parts are computed together, many at a time.
  struct Run {
    std::size_t zone;
    std::int64_t from, to;
  };
  std::vector<Run> runs;
  for (std::size_t z = sim.first_zone; z < sim.end_zone; ++z) {
    const Zone& zone = sim.zones[z];
    km_per_deg_lon[z] = 111.32 * std::cos(zone.spec.lat * 3.141592653589793 / 180.0);
    for (const std::uint16_t j : zone.candidates) {
      const Producer& pr = sim.producers[j];
      if (pr.sector == Sector::public_sector && pr.zone == z && pr.active) own_stations[z].push_back(j);
    }
    const std::int64_t first = static_cast<std::int64_t>(sim.local_first(zone)),
                       last = first + zone.n_residents;
    for (std::int64_t from = first; from < last; from += static_cast<std::int64_t>(kernels::kRun))
      runs.push_back({z, from, std::min(last, from + static_cast<std::int64_t>(kernels::kRun))});
  }
  const auto n_runs = static_cast<std::int64_t>(runs.size());
#pragma omp parallel num_threads(sim.threads())
  {
    std::vector<std::uint32_t> words(3 * 4 * kernels::kRun);
    kernels::NormalParts normal;
    kernels::RunPlaces places;
#pragma omp for schedule(dynamic, 4)
    for (std::int64_t run = 0; run < n_runs; ++run) {
      const auto [z, from, to] = runs[static_cast<std::size_t>(run)];
      const Zone& zone = sim.zones[z];
      const std::vector<std::uint16_t>& stations = own_stations[z];
      for (std::uint32_t slot = 0; slot < 3; ++slot)
        sim.rng.entity_bits(Stream::population, r.global(static_cast<std::size_t>(from)),
                            static_cast<std::size_t>(to - from), 0, slot,
                            words.data() + 4 * kernels::kRun * slot);
      kernels::normal_parts(words.data(), static_cast<std::size_t>(to - from), normal);
      for (std::int64_t i = from; i < to; ++i) {
        const auto k = static_cast<std::size_t>(i - from);
        const std::uint32_t* const w = words.data() + 4 * k;  // slot s at w + 4 kernels::kRun s
        const auto a = CounterRng::units(w), b = CounterRng::units(w + 4 * kernels::kRun),
                   c = CounterRng::units(w + 8 * kernels::kRun);
        int band = 0;
        while (band + 1 < kAgeBands && a[0] > cumulative[band]) ++band;
        const int lo = kAgeBandStart[band], hi = kAgeBandStart[band + 1];
        const int age = std::min(hi - 1, lo + static_cast<int>(a[1] * (hi - lo)));
        const bool employed = a[3] < p.employment_rate[band];
        std::uint8_t flags = 0;
        if (a[2] < p.female_share) flags |= Residents::kFemale;
        if (employed) flags |= Residents::kEmployed;
        if (employed && b[0] < p.ohc_share_of_employed) flags |= Residents::kOhc;
        const double income = normal.income[k] + (employed ? p.employed_income_shift : 0.0);
        int decile = 1;
        while (decile < kIncomeDeciles && income > cuts[decile - 1]) ++decile;
        const double literacy = std::clamp(
            1.0 - p.literacy_age_slope * std::max(0, age - 30) + p.literacy_sd * normal.literacy[k], 0.0,
            1.0);
        // Residents live around the zone centre: normal offsets with SD of half the radius.
        const double sd_km = zone.spread_km / 2;
        const double dx = sd_km * normal.east[k];
        const double dy = sd_km * normal.north[k];
        int level = 0;
        double acc = need_start[band][0];
        while (level + 1 < kNeedLevels && c[3] > acc) acc += need_start[band][++level];

        r.zone[i] = static_cast<std::uint16_t>(z);
        r.lat[i] = static_cast<float>(zone.spec.lat + dy / km_per_deg_lat);
        r.lon[i] = static_cast<float>(zone.spec.lon + dx / km_per_deg_lon[z]);
        r.age[i] = static_cast<std::uint8_t>(age);
        r.flags[i] = flags;
        r.income_decile[i] = static_cast<std::uint8_t>(decile);
        r.literacy[i] = static_cast<std::uint8_t>(std::lround(literacy * 255));
        r.need[i] = static_cast<std::uint8_t>(level);
        r.unmet_steps[i] = 0;
        r.listed_since[i] = std::numeric_limits<std::int16_t>::min();  // never chose: not locked in
        r.switches[i] = 0;
        r.switches_this_year[i] = 0;
        r.open_producer[i] = 0;
        r.open_since[i] = -1;
        r.experience[i] = 0;
        if (zone.in_pilot && age >= s.pilot.min_age && age <= s.pilot.max_age)
          r.flags[i] |= Residents::kEligible;
      }
      // Home station: the nearest public station of the resident's own zone, by travel time (a
      // single station needs no distance).
      if (stations.size() > 1)
        kernels::run_places(r.lat.data() + from, r.lon.data() + from, static_cast<std::size_t>(to - from),
                            places);
      for (std::int64_t i = from; i < to; ++i) {
        std::uint16_t home = stations.empty() ? 0 : stations.front();
        if (stations.size() > 1) {
          const auto k = static_cast<std::size_t>(i - from);
          const Place where{r.lat[i],
                            r.lon[i],
                            places.cos_lat[k],
                            places.sin_half_lat[k],
                            places.cos_half_lat[k],
                            places.sin_half_lon[k],
                            places.cos_half_lon[k]};
          double best = 1e300;
          for (const std::uint16_t j : stations) {
            const double h = haversine(where, sim.producers[j].place);
            if (h < best) {
              best = h;
              home = j;
            }
          }
        }
        r.home[i] = home;
        r.listed[i] = home;
      }
    }
  }
  std::vector<std::int64_t> eligible(sim.zones.size(), 0);
  for (std::size_t z = sim.first_zone; z < sim.end_zone; ++z) {
    const std::size_t first = sim.local_first(sim.zones[z]);
    for (std::size_t i = first; i < first + sim.zones[z].n_residents; ++i)
      if (r.flags[i] & Residents::kEligible) ++eligible[z];
  }
  sim.comm->sum(eligible);
  for (std::size_t z = 0; z < sim.zones.size(); ++z) sim.zones[z].n_eligible = eligible[z];
}

}  // namespace valinta
