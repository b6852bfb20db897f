#pragma once
// The parameters of M5 choice and switching: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

// rules.default_assignment: who lists residents who never choose.
enum class DefaultAssignment : std::uint8_t { opt_in, nearest };
inline constexpr std::array<std::string_view, 2> kDefaultAssignmentNames = {"opt_in", "nearest"};

// rules.information: what residents see of producers' waits and quality.
enum class Information : std::uint8_t { transparent, word_of_mouth, none };
inline constexpr std::array<std::string_view, 3> kInformationNames = {"transparent", "word_of_mouth", "none"};

struct ChoiceParams {
  // review hazard (per year)
  double base_review_per_year{};
  double awareness_per_year{};
  double awareness_weeks{};
  double dissatisfaction_per_year{};   // per SD of negative experience
  double access_review_per_year{};     // while the resident's own unmet-need window is open
  double neighbour_review_per_year{};  // per unit share of the zone's eligible who switched lately
  double neighbour_memory_weeks{};     // how long a neighbour's switch is talked about
  // rules
  DefaultAssignment default_assignment{};
  double min_listing_months{};
  std::int64_t max_switches_per_year{};
  Information information{};
  double word_of_mouth_noise_sd{};
  double publication_interval_days{};
  // consideration set and travel
  double max_travel_min{};
  double travel_base_min{};
  double detour_factor{};
  double speed_kmh{};
  // utility
  double b_travel{};
  double b_wait{};
  double b_quality{};
  double b_fee{};
  double b_digital{};
  double inertia{};
  double private_75plus{};
  double private_employed{};
  double private_income_per_decile{};
  double entry_nudge_share{};     // one-time extra review share when a producer opens nearby
  bool minors_follow_guardian{};  // minors do not review; they are listed where their guardian chooses
};

void declare_choice_params(ParamRegistry& registry, ChoiceParams& p);

}  // namespace valinta
