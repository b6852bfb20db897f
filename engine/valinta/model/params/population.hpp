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
  std::string code;  // official municipality code ("179"), "" when the zone has none
  // The region the zone belongs to in the service-package indicators (a wellbeing services
  // county), "" when none is named: such a zone counts only in the whole area's package.
  std::string region;
  std::int64_t population{};
  double lat{};
  double lon{};
  double spread_km{};  // < 0 (`auto`): from the population
  // The zone's own demographics (from population.age_structure_file and activity_file, or given
  // inline); empty or < 0 (`auto`): the scenario's population-wide values.
  std::vector<double> age_band_shares;
  double female_share{};
  double employed_share{};     // employed residents / all residents
  double median_income_eur{};  // median annual income of residents aged 18 or over
};

struct PopulationParams {
  std::string zones_file;          // CSV: municipality,population_2020_12_31,lat,lon (region/maakunta, code)
  std::string region;              // keep only this region's rows ("" keeps all)
  std::string age_structure_file;  // CSV by municipality code: age bands and sex
  std::string activity_file;       // CSV by municipality code: main activity and income
  double scale{};                  // simulate this fraction of every zone's population (capacities scale too)
  std::vector<double> age_band_shares;
  double female_share{};
  std::vector<double> employment_rate;  // by age band
  double ohc_share_of_employed{};
  double spread_km_min{};
  double spread_km_per_sqrt_thousand{};
  double literacy_age_slope{};  // per year of age above 30
  double literacy_sd{};
  double employed_income_shift{};  // SD units of latent income
  double income_log_sd{};          // spread of log income within a zone
  // Households: each minor attached to an adult of parenting age in their zone.
  std::int64_t guardian_min_age{};
  std::int64_t guardian_max_age{};
  std::int64_t max_minors_per_guardian{};
};

void declare_population_params(ParamRegistry& registry, PopulationParams& p);

// The fields of one inline zone entry, declared like parameters.
void declare_zone_fields(ParamRegistry& registry, ZoneSpec& zone);

}  // namespace valinta
