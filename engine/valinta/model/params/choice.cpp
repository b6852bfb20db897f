#include "valinta/model/params/choice.hpp"

namespace valinta {

void declare_choice_params(ParamRegistry& r, ChoiceParams& p) {
  r.choice("rules.default_assignment", p.default_assignment, DefaultAssignment::opt_in,
           kDefaultAssignmentNames,
           {"opt_in: residents who never choose stay at their home station (Finnish pilots); "
            "nearest: at pilot start everyone eligible is listed at the nearest producer (Swedish opt-out)",
            "", "pilots: opt-in (docs/facts.md, Pilots: common rules); design value (docs/ODD.md 7.5.6)"});
  r.real("rules.min_listing_months", p.min_listing_months, 6, at_least(0),
         {"lock-in: months a resident stays listed before they may switch again", "months",
          "pilot rules (Keski-Uusimaa), HE 16/2018: 6; current law: 12 (docs/facts.md, Pilots: common rules; "
          "Law: current law)"});
  r.integer("rules.max_switches_per_year", p.max_switches_per_year, 2, between(0, 52),
            {"most switches a resident may make per pilot year", "switches/year",
             "with a six-month lock-in, two a year"});
  r.choice("rules.information", p.information, Information::transparent, kInformationNames,
           {"what residents see of producers' waits and quality (the service packages)", "",
            "design value (docs/ODD.md 7.5.4)"});
  r.real("choice.word_of_mouth_noise_sd", p.word_of_mouth_noise_sd, 0.5, at_least(0),
         {"error of word-of-mouth information: SD of quality seen (SD units) and of waits seen (weeks)",
          "SD / weeks", "assumption"});
  r.real("choice.publication_interval_days", p.publication_interval_days, 30, above(0),
         {"how often producers' waits and quality are published", "days",
          "design value: monthly (docs/ODD.md 7.5.4)"});
  r.real("choice.base_review_per_year", p.base_review_per_year, 0.03, at_least(0),
         {"baseline hazard of reviewing one's producer", "per year", "design value (docs/ODD.md 7.5.1)"});
  r.real("choice.awareness_per_year", p.awareness_per_year, 0.25, at_least(0),
         {"extra review hazard at pilot start (the awareness wave)", "per year",
          "design value (docs/ODD.md 7.5.1)"});
  r.real(
      "choice.access_review_per_year", p.access_review_per_year, 1.5, at_least(0),
      {"extra review hazard of a resident whose own contact recently went unmet (waited past the care "
       "guarantee or went to emergency), for as long as needs.unmet_weeks raises their need up-rates",
       "per year",
       "availability of doctor appointments was the main reason to switch (STM interim report 2018; "
       "Hameenlinna survey 2019; docs/facts.md, Pilots: who switched and why); the value is an assumption"});
  r.real("choice.neighbour_review_per_year", p.neighbour_review_per_year, 2.0, at_least(0),
         {"extra review hazard per unit share of the zone's eligible residents who chose another producer "
          "lately (word of mouth: a zone where 5 % switched lately adds 0.1 a year)",
          "per year", "assumption: awareness spreads from neighbours who switched"});
  r.real("choice.neighbour_memory_weeks", p.neighbour_memory_weeks, 13, above(0),
         {"decay time of the neighbours' effect: a switch counts exp(-weeks since / this)", "weeks",
          "assumption (a quarter)"});
  r.real("choice.awareness_weeks", p.awareness_weeks, 13, above(0),
         {"decay time of the awareness wave", "weeks",
          "design value; switching was heaviest in the first months (STM 2018; docs/facts.md, Pilots: who "
          "switched and why)"});
  r.real("choice.dissatisfaction_per_year", p.dissatisfaction_per_year, 0.2, at_least(0),
         {"extra review hazard per SD of negative experience", "per year per SD", "assumption"});
  r.real("choice.max_travel_min", p.max_travel_min, 60, at_least(0),
         {"producers farther than this are not considered (unless digital-first or current)", "minutes",
          "design value (docs/ODD.md 7.5.2)"});
  r.real("choice.travel_base_min", p.travel_base_min, 2, at_least(0),
         {"fixed part of every trip", "minutes", "design value (docs/ODD.md 7.5.2)"});
  r.real("choice.detour_factor", p.detour_factor, 1.3, at_least(1),
         {"road distance relative to the straight line", "", "design value (docs/ODD.md 7.5.2)"});
  r.real("choice.speed_kmh", p.speed_kmh, 50, above(0),
         {"travel speed", "km/h", "design value (docs/ODD.md 7.5.2)"});
  r.real("choice.b_travel", p.b_travel, -0.15, at_most_zero(),
         {"utility per minute of travel", "per minute",
          "design value (about 14 % less likely per minute; Haynes et al. 2003 found 29 % for "
          "registration in England, i.e. about -0.34: docs/facts.md, Elsewhere: distance)"});
  r.real("choice.b_wait", p.b_wait, -0.5, at_most_zero(),
         {"utility per week of published wait", "per week", "design value (docs/ODD.md 7.5.3)"});
  r.real("choice.b_quality", p.b_quality, 0.3, at_least(0),
         {"utility per SD of published quality", "per SD",
          "design value; Santos, Gravelle, Propper 2017: +1 SD quality, +15-17 % list size (docs/facts.md, "
          "Elsewhere: quality)"});
  r.real(
      "choice.b_fee", p.b_fee, -0.05, at_most_zero(),
      {"utility per euro of expected client fee per visit", "per EUR", "design value (docs/ODD.md 7.5.3)"});
  r.real("choice.b_digital", p.b_digital, 1.0, at_least(0),
         {"utility of digital services for a fully digitally literate resident", "",
          "design value (docs/ODD.md 7.5.3)"});
  r.real("choice.inertia", p.inertia, 3.0, at_least(0),
         {"utility of staying with the current producer", "", "design value (docs/ODD.md 7.5.3)"});
  r.real("choice.private_75plus", p.private_75plus, -1.0, between(-10, 10),
         {"constant for private producers, residents aged 75+", "",
          "design value; STM 2018: 75+ switched least (docs/facts.md, Pilots: who switched and why)"});
  r.real("choice.private_employed", p.private_employed, 0.3, between(-10, 10),
         {"constant for private producers, employed residents of working age", "",
          "design value; STM 2018: switchers mostly employed (docs/facts.md, Pilots: who switched and why)"});
  r.boolean("choice.minors_follow_guardian", p.minors_follow_guardian, true,
            {"minors (under 18) with a guardian in their zone do not review; when their guardian chooses "
             "another producer they are listed there too (reason household)",
             "",
             "a child's care is chosen by a guardian; the pilots' switchers were mostly working-age "
             "(docs/facts.md, Pilots: who switched and why)"});
  r.real("choice.entry_nudge_share", p.entry_nudge_share, 0.05, probability(),
         {"one-time extra share of nearby eligible residents who review when a producer opens", "share",
          "the design's one-time nudge when a new producer opens within the catchment (docs/ODD.md 7.5.1); "
          "value assumed"});
  r.real("choice.private_income_per_decile", p.private_income_per_decile, 0.05, between(-1, 1),
         {"constant for private producers per income decile above the middle", "per decile",
          "Sweden: highest income quintile 4.9 points more often listed privately (docs/facts.md, "
          "Elsewhere: Sweden)"});
}

}  // namespace valinta
