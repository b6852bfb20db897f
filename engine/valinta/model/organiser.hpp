#pragma once
// The organiser's follow-up of its service promise (docs/ODD.md 7.10, phases/organiser.hpp): what it
// has counted over the current period, the actions in force and what the latest review found
// (data only).
#include <cstdint>
#include <limits>
#include <vector>

namespace valinta {

struct OrganiserState {
  // Per producer, over the current follow-up period.
  std::vector<std::int64_t> served;  // visits served
  std::vector<std::int64_t> within;  // of them within the service promise
  std::vector<double> withheld_eur;  // capitation held back (organiser.performance_pay)
  // Per producer, in force until the next review.
  std::vector<double> temporary;      // temporary capacity added (visits/week)
  std::vector<double> temporary_fte;  // its staff, taken from the free workforce
  std::vector<double> bought;         // capacity bought by voucher (+ at the station, - at the seller)
  std::vector<double> published;      // utility of the published breach (0: none)
  // What the latest review found (NaN before the first, or where nothing was counted).
  std::vector<std::uint8_t> breach;       // 1: in breach at this step's review
  std::vector<double> share_within;       // share of the period's visits within the promise
  std::vector<double> satisfaction;       // mean experience of the listed residents (SD)
  std::vector<double> zone_share_within;  // by the producers' zone
  std::vector<double> zone_satisfaction;  // residents of the zone (SD)
  std::vector<std::uint8_t> zone_breach;  // 1: the zone in breach at this step's review
  // The budget: its calendar year and what that year has committed.
  std::int64_t budget_year = 0;
  double budget_spent_eur = 0;
  // This step's actions (reset by the organiser phase each step).
  std::int64_t new_temporary = 0, new_vouchers = 0, new_refused = 0;
  double new_cost_eur = 0, new_withheld_kept_eur = 0;

  void reset(std::size_t producers, std::size_t zones) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    served.assign(producers, 0);
    within.assign(producers, 0);
    withheld_eur.assign(producers, 0);
    temporary.assign(producers, 0);
    temporary_fte.assign(producers, 0);
    bought.assign(producers, 0);
    published.assign(producers, 0);
    breach.assign(producers, 0);
    share_within.assign(producers, kNaN);
    satisfaction.assign(producers, kNaN);
    zone_share_within.assign(zones, kNaN);
    zone_satisfaction.assign(zones, kNaN);
    zone_breach.assign(zones, 0);
  }
};

}  // namespace valinta
