#include "valinta/output/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iterator>
#include <limits>
#include <vector>

#include "valinta/input/loader.hpp"
#include "valinta/model/indicators.hpp"
#include "valinta/model/state.hpp"
#include "valinta/phases/service.hpp"
#include "valinta/version.hpp"

namespace valinta {

std::vector<std::pair<std::string, double>> Summary::items() const {
  return {{"residents", static_cast<double>(residents)},
          {"eligible", static_cast<double>(eligible)},
          {"switched_share_public", switched_share_by_sector[0]},
          {"switched_share_private", switched_share_by_sector[1]},
          {"switched_share_third_sector", switched_share_by_sector[2]},
          {"ever_switched_share", ever_switched_share},
          {"mean_wait_days", mean_wait_days},
          {"share_within_guarantee", share_within_guarantee},
          {"visits_per_resident_year", visits_per_resident_year},
          {"doctor_visits_per_resident_year", doctor_visits_per_resident_year},
          {"er_diversions_per_1000_year", er_diversions_per_1000_year},
          {"referrals_per_1000_year", referrals_per_1000_year},
          {"organiser_cost_per_resident_year", organiser_cost_per_resident_year},
          {"client_fees_per_resident_year", client_fees_per_resident_year}};
}

namespace {
// A series the summary reads: none before the first step, and after it one that must exist (a
// misspelt name throws instead of reading as zero).
const Recorder::Series* recorded(const Recorder& rec, const std::string& name) {
  return rec.steps() == 0 ? nullptr : &rec.at(name);
}

double total(const Recorder& rec, const std::string& name) {
  const Recorder::Series* s = recorded(rec, name);
  if (s == nullptr) return 0;
  double sum = 0;
  for (const auto v : s->count) sum += static_cast<double>(v);
  for (const auto v : s->real) sum += v;
  return sum;
}
}  // namespace

Summary summarise(const State& sim) {
  const Residents& r = sim.residents;
  const Recorder& rec = sim.recorder;
  const int L = sim.queue_steps;
  Summary s;
  for (const Zone& z : sim.zones) {
    s.residents += z.n_residents;
    s.eligible += z.n_eligible;
  }
  // Counted over this rank's residents, then over all ranks: [0, kSectors) away by sector, ever.
  std::int64_t found[kSectors + 1] = {};  // NOLINT(*-avoid-c-arrays): an OpenMP array reduction
  std::vector<std::uint8_t> sector_of(sim.producers.size());
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    sector_of[j] = static_cast<std::uint8_t>(sim.producers[j].sector);
  const auto n = static_cast<std::int64_t>(r.size());
#pragma omp parallel for schedule(static) num_threads(sim.threads()) reduction(+ : found[:kSectors + 1])
  for (std::int64_t i = 0; i < n; ++i) {
    if (!(r.flags[i] & Residents::kEligible)) continue;
    if (r.switches[i] > 0) ++found[kSectors];
    if (r.listed[i] != r.home[i]) ++found[sector_of[r.listed[i]]];
  }
  std::array<std::int64_t, kSectors + 1> counts{};
  std::copy(std::begin(found), std::end(found), counts.begin());
  sim.comm->sum(counts);
  const std::int64_t ever = counts[kSectors];
  const std::span<const std::int64_t> away(counts.data(), kSectors);
  const double eligible = static_cast<double>(std::max<std::int64_t>(1, s.eligible));
  for (int k = 0; k < kSectors; ++k) s.switched_share_by_sector[k] = static_cast<double>(away[k]) / eligible;
  s.ever_switched_share = static_cast<double>(ever) / eligible;

  const double years = static_cast<double>(rec.steps() * sim.scenario.time.step_days) / 365.25;
  const double resident_years = static_cast<double>(s.residents) * years;
  const Recorder::Series* doctor = recorded(rec, "new_visits_doctor");
  const Recorder::Series* nurse = recorded(rec, "new_visits_nurse");
  double visits = 0, doctors = 0, wait_sum = 0;
  if (doctor && nurse) {
    for (std::size_t k = 0; k < doctor->count.size(); ++k) {
      doctors += static_cast<double>(doctor->count[k]);
      visits += static_cast<double>(doctor->count[k] + nurse->count[k]);
    }
  }
  // The care guarantee over every contact whose outcome against it is known at the end: served
  // (within it or later), diverted to emergency (a breach whenever it happens), or still waiting
  // so long that even the next step would serve it too late (age >= guarantee_steps, counted in
  // whole steps as the service phase counts them). The producers' queues are the same on every
  // rank.
  const double within_sum = total(rec, "new_served_within_guarantee");
  const double diverted_sum = total(rec, "new_er_diversions");
  double waiting_past = 0;
  if (rec.steps() > 0) {
    const int late = guarantee_steps(sim.scenario.service, sim.scenario.time.step_days);
    for (const Producer& p : sim.producers)
      for (int a = std::max(0, late); a < L; ++a) {
        const std::int64_t* cohort = p.cohort(sim.t - 1, a, L);
        for (int l = 0; l < kNeedLevels; ++l) waiting_past += static_cast<double>(cohort[l]);
      }
  }
  const double known = visits + diverted_sum + waiting_past;
  // Mean wait over the whole run: visits x mean wait per producer-step.
  const Recorder::Series* mean = recorded(rec, "wait_mean_days");
  if (mean && doctor && nurse)
    for (std::size_t k = 0; k < mean->real.size(); ++k) {
      const double served = static_cast<double>(doctor->count[k] + nurse->count[k]);
      if (served > 0) wait_sum += served * mean->real[k];
    }
  s.mean_wait_days = visits > 0 ? wait_sum / visits : 0;
  s.share_within_guarantee = known > 0 ? within_sum / known : 0;
  s.visits_per_resident_year = resident_years > 0 ? visits / resident_years : 0;
  s.doctor_visits_per_resident_year = resident_years > 0 ? doctors / resident_years : 0;
  s.er_diversions_per_1000_year =
      resident_years > 0 ? 1000 * total(rec, "new_er_diversions_all") / resident_years : 0;
  s.referrals_per_1000_year =
      resident_years > 0 ? 1000 * total(rec, "new_referrals_all") / resident_years : 0;
  const Recorder::Series* books = recorded(rec, "organiser_books_eur");
  double organiser = 0, fees = 0;
  if (books)
    for (std::size_t k = 0; k < books->real.size(); ++k) {
      const auto kind = static_cast<PaymentKind>(k % kPaymentKinds);
      if (kind == PaymentKind::client_fee)
        fees += books->real[k];
      else if (kind != PaymentKind::referral_producer)
        organiser += books->real[k];
    }
  s.organiser_cost_per_resident_year = resident_years > 0 ? organiser / resident_years : 0;
  s.client_fees_per_resident_year = resident_years > 0 ? fees / resident_years : 0;
  return s;
}

std::string format_summary(const Summary& s) {
  std::string out;
  out += fmt::format("  residents                        {:>12}\n", s.residents);
  out += fmt::format("  eligible to choose               {:>12}\n", s.eligible);
  out += fmt::format(
      "  listed away from home station    public {:.2f}%, private {:.2f}%, third sector {:.2f}%\n",
      100 * s.switched_share_by_sector[0], 100 * s.switched_share_by_sector[1],
      100 * s.switched_share_by_sector[2]);
  out += fmt::format("  switched at least once           {:>11.2f}%\n", 100 * s.ever_switched_share);
  out += fmt::format("  mean wait                        {:>9.1f} days\n", s.mean_wait_days);
  out += fmt::format("  within the care guarantee        {:>11.1f}%\n", 100 * s.share_within_guarantee);
  out += fmt::format("  visits per resident-year         {:>12.2f}  (doctor {:.2f})\n",
                     s.visits_per_resident_year, s.doctor_visits_per_resident_year);
  out += fmt::format("  emergency diversions per 1000/yr {:>12.1f}\n", s.er_diversions_per_1000_year);
  out += fmt::format("  referrals per 1000 per year      {:>12.1f}\n", s.referrals_per_1000_year);
  out += fmt::format("  organiser cost per resident-year {:>9.0f} EUR  (client fees {:.0f} EUR)\n",
                     s.organiser_cost_per_resident_year, s.client_fees_per_resident_year);
  return out;
}

RunSetup describe_setup(const State& sim) {
  RunSetup u;
  u.steps = sim.recorder.steps();
  u.step_days = sim.scenario.time.step_days;
  u.start_day = sim.scenario.start_day;
  for (const auto& p : sim.producers) {
    u.producer_name.push_back(p.spec.name);
    u.producer_sector.emplace_back(kSectorNames[static_cast<int>(p.sector)]);
    u.producer_zone.push_back(sim.zones[p.zone].spec.name);
    u.producer_owner.push_back(p.spec.owner);
    u.producer_lat.push_back(p.lat);
    u.producer_lon.push_back(p.lon);
    u.producer_quality.push_back(p.spec.quality);
    u.producer_doctor_share.push_back(p.doctor_share);
  }
  for (const auto& z : sim.zones) {
    u.zone_name.push_back(z.spec.name);
    u.zone_code.push_back(z.spec.code);
    u.zone_residents.push_back(z.n_residents);
    u.zone_in_pilot.push_back(z.in_pilot ? 1 : 0);
    u.zone_lat.push_back(z.spec.lat);
    u.zone_lon.push_back(z.spec.lon);
    u.zone_eligible.push_back(z.n_eligible);
  }
  return u;
}

void write_header(output::H5File& file, const Scenario& sc, const RunInfo& info, std::string_view kind) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  file.attribute("/", "title",
                 kind == "run" ? "Valinta simulation results" : fmt::format("Valinta {}", kind));
  file.attribute("/", "kind", kind);
  file.attribute("/", "engine", "valinta");
  file.attribute("/", "engine_version", kVersion);
  file.attribute("/", "git_commit", kGitCommit);
  file.attribute("/", "scenario_name", sc.name);
  file.attribute("/", "scenario_file", sc.source.string());
  file.attribute("/", "seed", static_cast<std::int64_t>(info.seed));
  file.attribute("/", "threads", static_cast<std::int64_t>(info.threads));
  file.attribute("/", "ranks", static_cast<std::int64_t>(info.ranks));
  file.attribute("/", "command_line", info.command_line);
  file.attribute("/", "created", std::string(created));
  file.attribute("/", "step_days", static_cast<std::int64_t>(sc.time.step_days));
  file.attribute("/", "start_date", sc.time.start_date);
  // CF 1.10 where it applies: a time coordinate, UDUNITS units, standard names of coordinates.
  file.attribute("/", "Conventions", "CF-1.10");
  file.attribute("/", "valinta_format", "Valinta-1; n_ stocks, new_ flows per step");
}

void write_axes(output::H5File& file, const RunSetup& u, bool producers_and_zones) {
  std::vector<std::int64_t> steps(u.steps);
  std::vector<std::string> dates(u.steps);
  for (std::size_t k = 0; k < u.steps; ++k) {
    steps[k] = static_cast<std::int64_t>(k);
    dates[k] = format_iso_date(u.start_day + static_cast<std::int64_t>(k) * u.step_days);
  }
  file.dimension("step", steps, "1", "simulation step (its first day is `time`, and `date` as text)");
  // CF's time coordinate: the first day of each step in days since the first day of the run.
  std::vector<double> days(u.steps);
  for (std::size_t k = 0; k < u.steps; ++k)
    days[k] = static_cast<double>(k * static_cast<std::size_t>(u.step_days));
  const std::string since = format_iso_date(u.start_day) + " 00:00:00";
  file.variable("time", days, {"step"}, "days since " + since, "first day of the step");
  file.attribute("/time", "standard_name", "time");
  file.attribute("/time", "calendar", "standard");
  file.attribute("/time", "axis", "T");
  file.auxiliary_coordinate("step", "time");
  file.variable("date", dates, "step", "ISO date of the first day of the step");
  // The labels every run has (model/indicators.hpp: the calibration's selections use the same).
  const auto labelled = [&](const char* dim, std::string_view long_name) {
    file.dimension(dim, *dimension_labels(dim), long_name);
  };
  std::vector<std::int64_t> deciles(kIncomeDeciles);
  for (int d = 0; d < kIncomeDeciles; ++d) deciles[d] = d + 1;
  labelled("sector", "producer sector");
  labelled("elsewhere", "where a contact that did not join its producer's queue went");
  labelled("sector_from", "sector of the producer a switch left");
  labelled("sector_to", "sector of the producer a switch chose");
  labelled("switch_reason", "reason for a switch");
  labelled("age_band", "age band (years)");
  file.dimension("income_decile", deciles, "1", "income decile (1 lowest)");
  labelled("need_from", "need level before the step");
  labelled("need_to", "need level after the step");
  labelled("payment_kind", "kind of money flow");
  labelled("visit_kind", "kind of visit");
  if (!producers_and_zones) return;

  // Producers and zones as set up.
  file.dimension("producer", u.producer_name, "producer name");
  file.variable("producer_sector", u.producer_sector, "producer", "sector of the producer");
  file.variable("producer_zone", u.producer_zone, "producer", "zone of the producer");
  file.variable("producer_owner", u.producer_owner, "producer", "owner or chain");
  file.variable("producer_lat", u.producer_lat, {"producer"}, "degrees_north", "producer latitude");
  file.attribute("/producer_lat", "standard_name", "latitude");
  file.variable("producer_lon", u.producer_lon, {"producer"}, "degrees_east", "producer longitude");
  file.attribute("/producer_lon", "standard_name", "longitude");
  file.variable("producer_quality", u.producer_quality, {"producer"}, "SD", "latent true quality");
  file.variable("producer_doctor_share", u.producer_doctor_share, {"producer"}, "1",
                "doctor share of visits");
  write_zone_axis(file, u);
}

void write_zone_axis(output::H5File& file, const RunSetup& u) {
  file.dimension("zone", u.zone_name, "zone (municipality)");
  file.variable("zone_residents", u.zone_residents, {"zone"}, "residents", "residents simulated");
  file.variable("zone_eligible", u.zone_eligible, {"zone"}, "residents", "residents eligible to choose");
  file.variable("zone_in_pilot", u.zone_in_pilot, {"zone"}, "1", "1 if the zone is in the pilot area");
  file.variable("zone_lat", u.zone_lat, {"zone"}, "degrees_north", "zone centre latitude");
  file.attribute("/zone_lat", "standard_name", "latitude");
  file.variable("zone_lon", u.zone_lon, {"zone"}, "degrees_east", "zone centre longitude");
  file.attribute("/zone_lon", "standard_name", "longitude");
  file.variable(
      "zone_code", u.zone_code, "zone",
      "official municipality code (joins the results to maps and statistics; empty when the zone has none)");
}

void write_event_log(output::H5File& file, const std::vector<std::string>& log) {
  if (log.empty()) return;
  std::vector<std::int64_t> index(log.size());
  for (std::size_t k = 0; k < index.size(); ++k) index[k] = static_cast<std::int64_t>(k);
  file.dimension("event", index, "1", "event number, in the order they happened");
  file.variable("event_log", log, "event", "dated description of each event");
}

void write_scenario_texts(output::H5File& file, const Scenario& sc, const std::string& group) {
  file.text(group + "/resolved", resolved_yaml(sc), "the scenario with every default written out (YAML)");
  file.text(group + "/source", sc.source_text, "the scenario file as given (YAML)");
}

void write_service_package(output::H5File& file, const std::vector<const ServicePackage*>& packages,
                           const std::vector<std::string>& leading, bool by_producer) {
  const ServicePackage* first = nullptr;
  for (const ServicePackage* p : packages)
    if (p != nullptr) {
      first = p;
      break;
    }
  if (first == nullptr) return;
  file.dimension("region", first->regions,
                 "region of the service package: all (every producer), then each region the zones name");
  const std::vector<PackageIndicator>& list = package_indicators();
  const auto write = [&](const std::string& along, auto rows_of) {
    const std::size_t n = rows_of(*first).front().size();
    std::vector<std::string> dims = leading;
    dims.push_back(along);
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::vector<double> values;
      values.reserve(packages.size() * n);
      for (const ServicePackage* p : packages) {
        const bool usable = p != nullptr && rows_of(*p)[i].size() == n;
        for (std::size_t k = 0; k < n; ++k)
          values.push_back(usable ? rows_of(*p)[i][k] : std::numeric_limits<double>::quiet_NaN());
      }
      const std::string path = "service_package/" + along + "/" + list[i].name;
      file.variable(path, values, dims, list[i].units, list[i].meaning);
      file.attribute(path, "valinta_label", list[i].label);
    }
  };
  write(
      "region", [](const ServicePackage& p) -> const auto& { return p.by_region; });
  if (by_producer)
    write(
        "producer", [](const ServicePackage& p) -> const auto& { return p.by_producer; });
  file.attribute(
      "service_package", "long_name",
      "service package of the reception services: standard indicators over the recorded period, by "
      "region and by producer (docs/ODD.md 9.6)");
  file.attribute("service_package", "steps", first->steps);
  file.attribute("service_package", "years", first->years);
}

void write_results(output::H5File& file, const State& sim, const RunInfo& info, const Summary& summary,
                   const ServicePackage& package) {
  file.compress_with_threads(info.output_threads);
  write_header(file, sim.scenario, info, "run");
  file.attribute("/", "replication", static_cast<std::int64_t>(sim.options.replication));
  write_axes(file, describe_setup(sim), true);

  // Indicator series.
  for (const auto& s : sim.recorder.series()) {
    std::vector<std::string> dims = {"step"};
    dims.insert(dims.end(), s.dims.begin(), s.dims.end());
    if (s.integer)
      file.variable(s.name, s.count, dims, s.units, s.long_name);
    else
      file.variable(s.name, s.real, dims, s.units, s.long_name);
  }

  write_service_package(file, {&package}, {}, true);

  // Scheduled and market events as a readable log (openings, closings, entries, exits, rule changes).
  write_event_log(file, sim.event_log);

  // The scenario as given and fully resolved, so the run can be reproduced from the file: as the
  // run started (rule changes in its events are replayed when it runs again, not written in).
  write_scenario_texts(file, sim.initial, "scenario");
  file.text("summary/text", format_summary(summary), "the summary printed at the end of the run");
  for (const auto& [name, value] : summary.items()) file.attribute("summary/text", name, value);
}

}  // namespace valinta
