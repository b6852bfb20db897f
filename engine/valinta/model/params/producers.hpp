#pragma once
// The parameters of producers (the `producers:` list) and their defaults: their fields, and their
// declarations (meaning, unit, default, range, source) for the scenario reader, the reference and `valinta
// show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct ProducerSpec {
  std::string name;
  std::string sector = "public";
  std::string owner;  // chain or organisation ("" = its own name)
  std::string zone;
  double lat = std::numeric_limits<double>::quiet_NaN();  // NaN: the zone centre
  double lon = std::numeric_limits<double>::quiet_NaN();
  double capacity_per_week = -1;                 // visits per week; < 0: from the expected demand of its list
  std::int64_t listing_cap = 0;                  // 0: no cap; < 0: takes no new clients (event stop_listing)
  double quality = 0;                            // latent true quality, SD units
  double digital = 0;                            // digital services level 0..1
  bool digital_first = false;                    // considered by every resident regardless of distance
  double doctor_share = -1;                      // < 0: the sector default
  double cost_per_visit_eur = -1;                // < 0: the sector default
  double fixed_cost_eur_per_capacity_week = -1;  // < 0: the default
  double referral_propensity = 1.0;
  std::string opens;         // date it opens ("": open from the start)
  std::string closes;        // date it closes ("": stays open)
  int line = 0, column = 0;  // where it was declared (for messages)
};

struct ProducerDefaults {
  std::vector<double> cost_per_visit_eur;  // by sector
  double fixed_cost_eur_per_capacity_week = 20;
  bool public_station_per_zone = true;  // add a public station to every zone lacking one
};

void declare_producer_params(ParamRegistry& registry, ProducerDefaults& p);

// The fields of one producer entry, declared like parameters ("producers[].<field>").
void declare_producer_fields(ParamRegistry& registry, ProducerSpec& p);

}  // namespace valinta
