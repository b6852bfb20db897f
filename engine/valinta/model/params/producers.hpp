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
  ProducerSpec();  // the declared defaults
  std::string name;
  Sector sector{};
  std::string owner;  // chain or organisation ("" = its own name)
  std::string zone;
  double lat{};  // NaN: the zone centre
  double lon{};
  double capacity_per_week{};                 // visits per week; < 0: from the expected demand of its list
  std::int64_t listing_cap{};                 // 0: no cap; < 0: takes no new clients (event stop_listing)
  double quality{};                           // latent true quality, SD units
  double digital{};                           // digital services level 0..1
  bool digital_first{};                       // considered by every resident regardless of distance
  double doctor_share{};                      // < 0: the sector default
  double cost_per_visit_eur{};                // < 0: the sector default
  double fixed_cost_eur_per_capacity_week{};  // < 0: the default
  double referral_propensity{};
  std::string opens;         // date it opens ("": open from the start)
  std::string closes;        // date it closes ("": stays open)
  int line = 0, column = 0;  // where it was declared (for messages)
};

struct ProducerDefaults {
  std::vector<double> cost_per_visit_eur;  // by sector
  double fixed_cost_eur_per_capacity_week{};
  bool public_station_per_zone{};  // add a public station to every zone lacking one
};

void declare_producer_params(ParamRegistry& registry, ProducerDefaults& p);

// The fields of one producer entry, declared like parameters ("producers[].<field>").
void declare_producer_fields(ParamRegistry& registry, ProducerSpec& p);

}  // namespace valinta
