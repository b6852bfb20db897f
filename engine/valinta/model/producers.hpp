#pragma once
// Producers: public stations, private firms and third-sector organisations.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "valinta/model/params/producers.hpp"
#include "valinta/model/types.hpp"
#include "valinta/util/geometry.hpp"

namespace valinta {

struct Producer {
  ProducerSpec spec;
  Sector sector = Sector::public_sector;
  std::uint16_t zone = 0;
  double lat = 0, lon = 0;
  Place place;  // lat and lon for travel times
  double capacity_per_week = 0;
  double base_capacity_per_week = 0;  // staffed at the start, on entry or after a shock (M7 pay response)
  double doctor_share = 0;
  double cost_per_visit = 0;
  double fixed_cost_per_capacity_week = 0;
  // Capacity the organiser added (temporary capacity, capacity bought by voucher) or, at a seller,
  // took away until its next review (M10); served on top of capacity_per_week.
  double organiser_capacity_per_week = 0;
  double capacity_carry = 0;  // fractional capacity carried to the next step
  int open_step = 0;          // first step it is open (scheduled openings)
  int close_step = 1 << 30;   // step it closes (scheduled closings)

  // Queue: ring of arrival cohorts x need level (counts); cohort(t, age, L) is the one that
  // arrived `age` steps before step t (L: the ring's length in steps).
  std::vector<std::int64_t> queue;
  std::int64_t* cohort(int t, int age, int L) {
    return queue.data() + static_cast<std::size_t>(((t - age) % L + L) % L) * kNeedLevels;
  }
  double effective_capacity_per_week() const { return capacity_per_week + organiser_capacity_per_week; }
  const std::int64_t* cohort(int t, int age, int L) const {
    return const_cast<Producer*>(this)->cohort(t, age, L);
  }
  std::int64_t n_listed = 0;

  // Life cycle (docs/ODD.md 7.7): scheduled openings and closings, market entry and exit.
  bool active = true;
  int chain = -1;  // entrant slot of this chain (index into Scenario::chains), or -1
  int losing_quarters = 0;
  double profit_this_quarter = 0;
  std::int64_t arrivals_this_quarter = 0;
  double staff_fte = 0;  // workforce employed (M7)

  // What residents see (docs/ODD.md 7.5.4, information regimes).
  double expected_wait_weeks = 0;  // smoothed backlog / capacity (Little's law)
  double published_wait_weeks = 0;
  double published_quality = 0;
  double word_of_mouth_bias = 0;       // fixed error of word-of-mouth quality (SD units)
  double word_of_mouth_wait_bias = 0;  // fixed error of word-of-mouth waits (weeks)
  double wait_at_last_publication = 0;
};

}  // namespace valinta
