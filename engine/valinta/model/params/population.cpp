#include "valinta/model/params/population.hpp"

namespace valinta {

void declare_population_params(ParamRegistry& r, PopulationParams& p) {
  r.text("population.zones_file", p.zones_file, "",
         {"CSV of zones, relative to the scenario file: its header names the columns municipality, "
          "population_2020_12_31, lat and lon, and may name region (or maakunta) and code (the official "
          "municipality code, which joins the demographics files and the map)",
          "", "Statistics Finland populations 31.12.2020 (scenarios/data/README.md)"});
  r.text("population.region", p.region, "",
         {"keep only the CSV rows of this region (the region or maakunta column)", "", ""});
  r.text("population.age_structure_file", p.age_structure_file, "",
         {"CSV of the population by age band and sex per municipality code (columns code, males, "
          "females, age_0_6, age_7_17, age_18_24, age_25_44, age_45_64, age_65_74, age_75_84, "
          "age_85_plus), relative to the scenario file; gives each zone its own age structure and sex "
          "ratio",
          "", "Statistics Finland, Paavo 31.12.2018 (scenarios/data/README.md)"});
  r.text("population.activity_file", p.activity_file, "",
         {"CSV of main activity and income per municipality code (columns code, population_2017_12_31, "
          "employed, median_income_eur), relative to the scenario file; gives each zone its own "
          "employment and income level",
          "", "Statistics Finland, Paavo 2017 (scenarios/data/README.md)"});
  r.real("population.scale", p.scale, 1.0, Range{0.0, 10.0, true},
         {"fraction of every zone's population to simulate; producers' given capacities and listing "
          "caps scale with it (smaller for quick tests)",
          "", ""});
  // Finland 2019: 0-14 15.8 %, 15-64 62.0 %, 65+ 22.3 % (Statistics Finland; docs/facts.md,
  // Population: age structure); the split into the model's eight bands within those broad groups
  // is approximate.
  r.real_list(
      "population.age_band_shares", p.age_band_shares,
      {0.070, 0.120, 0.078, 0.245, 0.264, 0.130, 0.069, 0.024}, kAgeBands, probability(),
      {"share of residents in each age band 0-6, 7-17, 18-24, 25-44, 45-64, 65-74, "
       "75-84, 85+",
       "share", "Statistics Finland 2019 broad age groups (docs/facts.md, Population: age structure)"});
  r.real("population.female_share", p.female_share, 0.507, probability(),
         {"share of women", "share", "Statistics Finland 2020 (approximate)"});
  r.real_list("population.employment_rate", p.employment_rate, {0.0, 0.0, 0.45, 0.78, 0.74, 0.08, 0.01, 0.0},
              kAgeBands, probability(),
              {"share employed, by age band", "share",
               "approximate Finnish employment rates (Statistics Finland labour force survey)"});
  r.real("population.ohc_share_of_employed", p.ohc_share_of_employed, 0.85, probability(),
         {"share of the employed covered by occupational health care", "share",
          "approximate; most Finnish employees are covered"});
  r.real("population.spread_km_min", p.spread_km_min, 2, above(0),
         {"smallest radius of a zone's settlement", "km", "assumption"});
  r.real("population.spread_km_per_sqrt_thousand", p.spread_km_per_sqrt_thousand, 1.0, at_least(0),
         {"zone radius grows with the square root of its population", "km", "assumption"});
  r.real("population.literacy_age_slope", p.literacy_age_slope, 0.012, at_least(0),
         {"fall of digital literacy per year of age above 30", "per year",
          "assumption: digital literacy falls with age (design, docs/ODD.md 5.1)"});
  r.real("population.literacy_sd", p.literacy_sd, 0.15, at_least(0),
         {"spread of digital literacy at a given age", "", "assumption"});
  r.real("population.employed_income_shift", p.employed_income_shift, 1.0, at_least(0),
         {"how much higher the latent income of the employed is", "SD", "assumption"});
  // A lognormal income with a Gini coefficient of about 0.27 (Finland's in the 2010s) has a log
  // SD of sqrt(2) x inverse-normal(0.635) = 0.49.
  r.integer(
      "population.guardian_min_age", p.guardian_min_age, 20, between(18, 120),
      {"youngest age of a guardian: each resident under 18 is attached to an adult of their zone aged "
       "guardian_min_age to guardian_max_age with fewer than max_minors_per_guardian minors (the first such "
       "adult after them in the zone's random order)",
       "years", "assumption: the ages of parents of minor children"});
  r.integer("population.guardian_max_age", p.guardian_max_age, 59, between(18, 120),
            {"oldest age of a guardian", "years", "assumption: the ages of parents of minor children"});
  r.integer("population.max_minors_per_guardian", p.max_minors_per_guardian, 4, between(1, 20),
            {"most minors attached to one guardian", "persons",
             "assumption: families with four or more children are few"});
  r.real("population.income_log_sd", p.income_log_sd, 0.5, above(0),
         {"spread of log income among a zone's residents: turns a zone's median income relative to the "
          "others into a shift of its residents' latent income",
          "log EUR", "assumption: a lognormal income with a Gini coefficient of about 0.27"});
}

ZoneSpec::ZoneSpec() { set_declared_defaults(*this, declare_zone_fields); }

void declare_zone_fields(ParamRegistry& r, ZoneSpec& z) {
  r.text("name", z.name, "", {"zone name (a municipality or grid cell)", "", ""});
  r.text("code", z.code, "",
         {"official municipality code (e.g. \"179\"): joins the demographics files and kept in the results "
          "for maps",
          "", "Statistics Finland municipality classification"});
  r.text("region", z.region, "",
         {"the region the zone belongs to (a wellbeing services county): its residents' producers are "
          "reported together in the service-package indicators (results group service_package); empty: "
          "only in the whole area's package",
          "", "Statistics Finland classification of wellbeing services counties"});
  r.integer("population", z.population, 0, between(0, 2e9), {"residents", "persons", ""});
  r.real("lat", z.lat, 0, between(-90, 90), {"centre latitude", "degrees", "WGS84"});
  r.real("lon", z.lon, 0, between(-180, 180), {"centre longitude", "degrees", "WGS84"});
  r.real_or_auto("spread_km", z.spread_km, above(0),
                 {"radius around the centre where residents live (auto: grows with the population, "
                  "see population.spread_km_*)",
                  "km", ""});
  r.real_list("age_band_shares", z.age_band_shares, {}, kAgeBands, probability(),
              {"the zone's own share of residents in each age band 0-6, 7-17, 18-24, 25-44, 45-64, 65-74, "
               "75-84, 85+ (empty: population.age_band_shares)",
               "share", ""});
  r.real_or_auto("female_share", z.female_share, probability(),
                 {"the zone's share of women (auto: population.female_share)", "share", ""});
  r.real_or_auto("employed_share", z.employed_share, probability(),
                 {"share of the zone's residents who are employed; the employment rates of the age bands are "
                  "scaled to give it (auto: population.employment_rate as it is)",
                  "share", ""});
  r.real_or_auto(
      "median_income_eur", z.median_income_eur, above(0),
      {"median annual income of the zone's residents aged 18 or over; shifts its residents' income "
       "deciles against the other zones' (auto: the same as the others)",
       "EUR/year", ""});
}

}  // namespace valinta
