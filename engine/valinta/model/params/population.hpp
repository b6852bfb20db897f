#pragma once
// The parameters of the population and its zones (the `zones:` list): their fields, and their declarations
// (meaning, unit, default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct ZoneSpec {
  ZoneSpec();  // the declared defaults
  std::string name;
  std::int64_t population{};
  double lat{};
  double lon{};
  double spread_km{};  // < 0 (`auto`): from the population
};

struct PopulationParams {
  std::string zones_file;  // CSV: region,municipality,population_2020_12_31,lat,lon
  std::string region;      // keep only this region's rows ("" keeps all)
  double scale{};          // simulate this fraction of every zone's population (capacities scale too)
  std::vector<double> age_band_shares;
  double female_share{};
  std::vector<double> employment_rate;  // by age band
  double ohc_share_of_employed{};
  double spread_km_min{};
  double spread_km_per_sqrt_thousand{};
  double literacy_age_slope{};  // per year of age above 30
  double literacy_sd{};
  double employed_income_shift{};  // SD units of latent income
};

void declare_population_params(ParamRegistry& registry, PopulationParams& p);

// The fields of one inline zone entry, declared like parameters.
void declare_zone_fields(ParamRegistry& registry, ZoneSpec& zone);

}  // namespace valinta
