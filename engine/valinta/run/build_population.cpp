#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>
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

// The value where an increasing `cdf` reaches `level` (bisection).
double inverse(const std::function<double(double)>& cdf, double level, double lo, double hi) {
  for (int it = 0; it < 80; ++it) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < level ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Latent income is standard normal, shifted by `shift` for the employed: the share of residents
// below x when a share `employed` of them is employed.
double income_cdf(double x, double employed, double shift) {
  return (1 - employed) * normal_cdf(x) + employed * normal_cdf(x - shift);
}

// What a zone's residents are drawn from: its age structure, sex ratio, employment by age band
// and the shift of its residents' latent income (its own data, or the population-wide values).
struct Demography {
  std::array<double, kAgeBands> cumulative{};
  double female_share = 0;
  std::array<double, kAgeBands> employment_rate{};
  double employed_share = 0;  // of all residents
  double income_shift = 0;    // SD units of latent income
};

std::vector<Demography> zone_demographies(const std::vector<Zone>& zones, const PopulationParams& p) {
  std::vector<Demography> out(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const ZoneSpec& spec = zones[z].spec;
    Demography& d = out[z];
    const std::vector<double>& shares =
        spec.age_band_shares.empty() ? p.age_band_shares : spec.age_band_shares;
    std::partial_sum(shares.begin(), shares.end(), d.cumulative.begin());
    d.female_share = spec.female_share >= 0 ? spec.female_share : p.female_share;
    // The zone's employed share: the population-wide rates of the age bands, all scaled by one
    // factor (each rate at most 1) to give the zone's own share when it has one.
    const auto employed_at = [&](double factor) {
      double e = 0;
      for (int b = 0; b < kAgeBands; ++b) e += shares[b] * std::min(1.0, factor * p.employment_rate[b]);
      return e;
    };
    double factor = 1;
    if (spec.employed_share >= 0) factor = inverse(employed_at, spec.employed_share, 0, 1e3);
    for (int b = 0; b < kAgeBands; ++b) d.employment_rate[b] = std::min(1.0, factor * p.employment_rate[b]);
    d.employed_share = employed_at(factor);
  }
  // Income: a zone's median income relative to the others' (their population-weighted mean of
  // log medians) shifts its residents' latent income by log(ratio) / income_log_sd, less what its
  // own employment already explains (the median of its employed/not-employed mixture against
  // that of the zones' average employment).
  double weight = 0, log_median = 0, employed = 0;
  for (std::size_t z = 0; z < zones.size(); ++z)
    if (zones[z].spec.median_income_eur > 0) {
      const auto w = static_cast<double>(zones[z].spec.population);
      weight += w;
      log_median += w * std::log(zones[z].spec.median_income_eur);
      employed += w * out[z].employed_share;
    }
  if (weight > 0) {
    log_median /= weight;
    employed /= weight;
    const auto median = [&](double share) {
      return inverse([&](double x) { return income_cdf(x, share, p.employed_income_shift); }, 0.5, -10,
                     10 + p.employed_income_shift);
    };
    const double reference = median(employed);
    for (std::size_t z = 0; z < zones.size(); ++z)
      if (zones[z].spec.median_income_eur > 0)
        out[z].income_shift = reference +
                              (std::log(zones[z].spec.median_income_eur) - log_median) / p.income_log_sd -
                              median(out[z].employed_share);
  }
  return out;
}

// Cut points of latent income into deciles of the whole simulated population: the mixture, over
// the zones weighted by their residents, of each zone's employed and other residents.
std::vector<double> income_cut_points(const std::vector<Zone>& zones,
                                      const std::vector<Demography>& demography, double shift) {
  // Zones alike in employment and income shift count as one part of the mixture.
  std::map<std::pair<double, double>, double> parts;
  for (std::size_t z = 0; z < zones.size(); ++z)
    parts[{demography[z].employed_share, demography[z].income_shift}] +=
        static_cast<double>(zones[z].n_residents);
  double total = 0, lowest = 0, highest = 0;
  for (const auto& [part, w] : parts) {
    total += w;
    lowest = std::min(lowest, part.second);
    highest = std::max(highest, part.second);
  }
  const auto cdf = [&](double x) {
    if (parts.size() == 1)
      return income_cdf(x - parts.begin()->first.second, parts.begin()->first.first, shift);
    double f = 0;
    for (const auto& [part, w] : parts) f += w * income_cdf(x - part.second, part.first, shift);
    return f / total;
  };
  std::vector<double> cuts;
  for (int k = 1; k < kIncomeDeciles; ++k)
    cuts.push_back(inverse(cdf, k / 10.0, lowest - 10, highest + 10 + shift));
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

  const std::vector<Demography> demography = zone_demographies(sim.zones, p);
  const std::vector<double> cuts = income_cut_points(sim.zones, demography, p.employed_income_shift);
  std::vector<std::vector<double>> need_start(kAgeBands);
  for (int b = 0; b < kAgeBands; ++b)
    need_start[b] = stationary_need_distribution(s.needs, b, s.step_weeks());

  // What building a resident needs of their zone: the open public stations of the zone (home
  // candidates) and the length of a degree of longitude at its centre.
  const double km_per_deg_lat = 111.32;
  std::vector<std::vector<std::uint16_t>> own_stations(sim.zones.size());
  std::vector<std::vector<Place>> station_places(sim.zones.size());  // their places, in that order
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
      if (pr.sector == Sector::public_sector && pr.zone == z && pr.active) {
        own_stations[z].push_back(j);
        station_places[z].push_back(pr.place);
      }
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
        const Demography& d = demography[z];
        int band = 0;
        while (band + 1 < kAgeBands && a[0] > d.cumulative[band]) ++band;
        const int lo = kAgeBandStart[band], hi = kAgeBandStart[band + 1];
        const int age = std::min(hi - 1, lo + static_cast<int>(a[1] * (hi - lo)));
        const bool employed = a[3] < d.employment_rate[band];
        std::uint8_t flags = 0;
        if (a[2] < d.female_share) flags |= Residents::kFemale;
        if (employed) flags |= Residents::kEmployed;
        if (employed && b[0] < p.ohc_share_of_employed) flags |= Residents::kOhc;
        const double income = normal.income[k] + d.income_shift + (employed ? p.employed_income_shift : 0.0);
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
      const auto run_length = static_cast<std::size_t>(to - from);
      std::uint16_t* const home = r.home.data() + from;
      std::fill(home, home + run_length, stations.empty() ? std::uint16_t{0} : stations.front());
      if (stations.size() > 1) {
        kernels::run_places(r.lat.data() + from, r.lon.data() + from, run_length, places);
        kernels::nearest_stations(places, run_length, station_places[z].data(), stations.data(),
                                  stations.size(), home);
      }
      std::copy(home, home + run_length, r.listed.data() + from);
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
  attach_minors(sim);
}

void attach_minors(State& sim) {
  const PopulationParams& p = sim.scenario.population;
  Residents& r = sim.residents;
  // Exactly as many entries as minors at most (a national run has a million).
  std::size_t minors = 0;
  for (std::size_t i = 0; i < r.size(); ++i) minors += r.age[i] < kAdultAge ? 1 : 0;
  sim.minors_of.clear();
  sim.minors_of.shrink_to_fit();
  sim.minors_of.reserve(minors);
  for (std::size_t z = sim.first_zone; z < sim.end_zone; ++z) {
    const auto first = static_cast<std::uint32_t>(sim.local_first(sim.zones[z]));
    const std::uint32_t end = first + sim.zones[z].n_residents;
    // The zone's adults of parenting age, in the zone's order (which is random), and their minors.
    std::vector<std::uint32_t> adults;
    for (std::uint32_t i = first; i < end; ++i)
      if (r.age[i] >= p.guardian_min_age && r.age[i] <= p.guardian_max_age) adults.push_back(i);
    if (adults.empty()) continue;
    std::vector<std::int64_t> taken(adults.size(), 0);
    for (std::uint32_t i = first; i < end; ++i) {
      if (r.age[i] >= kAdultAge) continue;
      // The first adult after the minor (wrapping round the zone) with room for another.
      std::size_t k =
          static_cast<std::size_t>(std::upper_bound(adults.begin(), adults.end(), i) - adults.begin());
      std::size_t tried = 0;
      while (tried < adults.size() && taken[k % adults.size()] >= p.max_minors_per_guardian) {
        ++k;
        ++tried;
      }
      if (tried == adults.size()) break;  // every adult of the zone is full
      ++taken[k % adults.size()];
      sim.minors_of.emplace_back(adults[k % adults.size()], i);
    }
  }
  std::sort(sim.minors_of.begin(), sim.minors_of.end());
  if (sim.scenario.choice.minors_follow_guardian)
    for (const auto& [guardian, minor] : sim.minors_of) r.flags[minor] |= Residents::kMinor;
}

}  // namespace valinta
