#pragma once
// M5's systematic utility of a producer to a resident: U_ij of docs/ODD.md 7.5.3 before the
// Gumbel noise,
//   V_ij = b_travel T_ij + b_fee fee_j + b_digital digital_j literacy_i     access_utility
//        + [informed] (b_wait W_seen_j + b_quality Q_seen_j)              seen_utility
//        + C(sector_j, i)                                                 private constant
//        + [j current] inertia.
// Every term is written here once. The choice phase's rankings (choice.cpp) and the market's
// entry forecast (market.cpp) build their utilities from these functions and differ only in what
// they feed them (ODD 7.5.5: the forecast sees a new unit's wait as 0 and true quality) and in the
// current producer's further terms, which only the rankings have (plan holders' continuity,
// experience when uninformed).
//
// The two add the terms in different orders, each fixed, as results depend on the last bit of a
// utility (floating-point addition is not associative): the forecast as systematic_utility does;
// the rankings, which work out the seen part once per producer and the private constant once per
// resident, add access + C before the noise and the seen part and the current producer's terms
// after it.
#include "valinta/model/params/choice.hpp"

namespace valinta {

// b_travel x travel + b_fee x expected fee + b_digital x digital level x literacy (0-1).
inline double access_utility(const ChoiceParams& c, double travel_min, double fee_eur, double digital,
                             double literacy) {
  return c.b_travel * travel_min + c.b_fee * fee_eur + c.b_digital * digital * literacy;
}

// What an informed resident makes of a producer's seen wait (weeks) and quality (SD units).
inline double seen_utility(const ChoiceParams& c, double wait_weeks, double quality) {
  return c.b_wait * wait_weeks + c.b_quality * quality;
}

// The parts of C(private, i), the private sector's constant for one resident: the income term
// always, private_75plus and private_employed where they apply. Other sectors' constant is 0.
struct PrivateConstant {
  double income = 0;                  // private_income_per_decile x (income decile - 5.5)
  bool aged_75plus = false;           // age >= 75
  bool employed_working_age = false;  // employed and 18 <= age < 65
};
inline PrivateConstant private_constant_parts(const ChoiceParams& c, int income_decile, int age,
                                              bool employed) {
  return {c.private_income_per_decile * (income_decile - 5.5), age >= 75, employed && age >= 18 && age < 65};
}

// `sum` plus the age and employment parts that apply, in that order.
inline double add_age_and_work(const ChoiceParams& c, const PrivateConstant& k, double sum) {
  if (k.aged_75plus) sum += c.private_75plus;
  if (k.employed_working_age) sum += c.private_employed;
  return sum;
}
// C(private, i) itself: the income part, then the others.
inline double private_constant(const ChoiceParams& c, const PrivateConstant& k) {
  return add_age_and_work(c, k, k.income);
}
// `u` + C(private, i), the parts added to `u` one after another.
inline double add_private_constant(const ChoiceParams& c, const PrivateConstant& k, double u) {
  return add_age_and_work(c, k, u + k.income);
}

// Everything V_ij depends on, for one resident and one producer.
struct UtilityInputs {
  double travel_min = 0;  // T_ij
  double fee_eur = 0;     // fee_j, the expected client fee of a visit
  double digital = 0;     // digital_j, the producer's digital services level
  bool is_private = false;
  bool informed = true;   // waits and quality are published (rules.information is not none)
  double wait_weeks = 0;  // W_seen_j
  double quality = 0;     // Q_seen_j
  double literacy = 0;    // literacy_i, 0-1
  int income_decile = 5;
  int age = 0;
  bool employed = false;
  bool current = false;  // j is the resident's current producer: inertia applies
};

// V_ij: access, then the seen part when informed, then the private constant part by part, then
// inertia for the current producer.
inline double systematic_utility(const ChoiceParams& c, const UtilityInputs& in) {
  double u = access_utility(c, in.travel_min, in.fee_eur, in.digital, in.literacy);
  if (in.informed) u += seen_utility(c, in.wait_weeks, in.quality);
  if (in.is_private)
    u = add_private_constant(c, private_constant_parts(c, in.income_decile, in.age, in.employed), u);
  if (in.current) u += c.inertia;
  return u;
}

}  // namespace valinta
