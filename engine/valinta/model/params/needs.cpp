#include "valinta/model/params/needs.hpp"

namespace valinta {

void declare_need_params(ParamRegistry& r, NeedParams& p) {
  r.real_list("needs.up_rate", p.up_rate, {0.004, 0.003, 0.002}, 3, probability(),
              {"weekly probability of moving up: well->light, light->basic, basic->heavy", "per week",
               "design value (docs/ODD.md 7.1)"});
  r.real_list("needs.down_rate", p.down_rate, {0.03, 0.01, 0.008}, 3, probability(),
              {"weekly probability of moving down: light->well, basic->light, heavy->basic", "per week",
               "design value (docs/ODD.md 7.1)"});
  r.real_list("needs.age_multiplier", p.age_multiplier, {1.2, 0.6, 0.6, 0.8, 1.2, 1.8, 2.6, 3.5}, kAgeBands,
              at_least(0),
              {"multiplier on up-rates by age band 0-6, 7-17, 18-24, 25-44, 45-64, 65-74, 75-84, 85+", "",
               "design value (docs/ODD.md 7.1)"});
  r.real("needs.unmet_multiplier", p.unmet_multiplier, 1.5, at_least(0),
         {"multiplier on up-rates after unmet need", "", "design value (docs/ODD.md 7.1)"});
  r.real("needs.unmet_weeks", p.unmet_weeks, 8, at_least(0),
         {"how long unmet need raises the up-rates", "weeks", "design value (docs/ODD.md 7.1)"});
}

}  // namespace valinta
