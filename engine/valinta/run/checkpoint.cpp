#include "valinta/run/checkpoint.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <type_traits>

#include "valinta/input/loader.hpp"
#include "valinta/phases/events.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/record.hpp"
#include "valinta/version.hpp"

namespace valinta {

namespace {

constexpr char kMagic[12] = {'V', 'A', 'L', 'I', 'N', 'T', 'A', '-', 'C', 'K', 'P', 'T'};
constexpr std::uint32_t kFormatVersion = 5;

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

class Out {
 public:
  template <typename T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void text(const std::string& s) {
    pod<std::uint64_t>(s.size());
    bytes_ += s;
  }
  template <typename T, typename A>
  void vec(const std::vector<T, A>& v) {
    pod<std::uint64_t>(v.size());
    if (!v.empty()) bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class In {
 public:
  In(const std::string& bytes, std::string where) : bytes_(bytes), where_(std::move(where)) {}
  template <typename T>
  T pod() {
    T v;
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string text() {
    const auto n = pod<std::uint64_t>();
    need(n);
    std::string s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }
  template <typename T, typename A>
  void vec(std::vector<T, A>& v, std::size_t expected = SIZE_MAX) {
    const auto n = pod<std::uint64_t>();
    if (expected != SIZE_MAX && n != expected)
      throw std::runtime_error(
          fmt::format("{}: holds {} entries where this run has {}", where_, n, expected));
    need(n * sizeof(T));
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), bytes_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
  }

 private:
  void need(std::uint64_t n) const {
    if (n > bytes_.size() - at_) throw std::runtime_error(where_ + ": the checkpoint is truncated");
  }
  const std::string& bytes_;
  std::string where_;
  std::size_t at_ = 0;
};

void write_header(Out& out, const CheckpointHeader& h) {
  out.text(kGitCommit);
  out.text(h.resolved_scenario);
  out.text(h.source_text);
  out.text(h.source_path);
  out.pod(h.seed);
  out.pod(h.replication);
  out.pod(h.step);
}

CheckpointHeader read_header(In& in, const std::string& where) {
  const std::string commit = in.text();
  if (commit != kGitCommit)
    throw std::runtime_error(
        fmt::format("{}: written by engine commit {}, this is {}; resume with the same "
                    "engine build",
                    where, commit, kGitCommit));
  CheckpointHeader h;
  h.resolved_scenario = in.text();
  h.source_text = in.text();
  h.source_path = in.text();
  h.seed = in.pod<std::uint64_t>();
  h.replication = in.pod<std::uint32_t>();
  h.step = in.pod<std::int64_t>();
  return h;
}

// The verified payload of a checkpoint file.
std::string read_payload(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(where + ": cannot open the checkpoint");
  std::string all((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  constexpr std::size_t kPrefix = sizeof kMagic + sizeof(std::uint32_t) + sizeof(std::uint64_t);
  if (all.size() < kPrefix + sizeof(std::uint64_t) || std::memcmp(all.data(), kMagic, sizeof kMagic) != 0)
    throw std::runtime_error(where + ": not a Valinta checkpoint");
  std::uint32_t version = 0;
  std::uint64_t length = 0, checksum = 0;
  std::memcpy(&version, all.data() + sizeof kMagic, sizeof version);
  std::memcpy(&length, all.data() + sizeof kMagic + sizeof version, sizeof length);
  if (version != kFormatVersion)
    throw std::runtime_error(fmt::format("{}: checkpoint format {} is not supported (this engine reads {})",
                                         where, version, kFormatVersion));
  if (all.size() != kPrefix + length + sizeof checksum)
    throw std::runtime_error(where + ": the checkpoint is truncated or damaged");
  std::string payload = all.substr(kPrefix, length);
  std::memcpy(&checksum, all.data() + kPrefix + length, sizeof checksum);
  if (checksum != fnv1a(payload)) throw std::runtime_error(where + ": the checkpoint is damaged (checksum)");
  return payload;
}

template <typename F>
void each_resident_array(Residents& r, F&& f) {
  f(r.zone), f(r.lat), f(r.lon), f(r.age), f(r.flags), f(r.income_decile), f(r.literacy), f(r.need);
  f(r.unmet_steps), f(r.listed), f(r.home), f(r.listed_since), f(r.switches), f(r.switches_this_year);
  f(r.open_producer), f(r.open_since), f(r.experience);
}

}  // namespace

void write_checkpoint(const Simulation& sim, TargetFile& target) {
  Out out;
  CheckpointHeader h;
  h.resolved_scenario = resolved_yaml(sim.initial);  // rule changes are replayed on resume
  h.source_text = sim.scenario.source_text;
  h.source_path = sim.scenario.source.string();
  h.seed = sim.options.seed;
  h.replication = sim.options.replication;
  h.step = sim.t;
  write_header(out, h);

  out.pod<std::uint64_t>(sim.residents.size());
  each_resident_array(const_cast<Residents&>(sim.residents), [&](const auto& v) { out.vec(v); });
  out.pod<std::uint64_t>(sim.producers.size());
  for (const Producer& p : sim.producers) {
    out.pod(p.capacity_per_week);
    out.pod(p.base_capacity_per_week);
    out.pod(p.capacity_carry);
    out.vec(p.queue);
    out.pod(p.n_listed);
    out.pod(p.expected_wait_weeks);
    out.pod(p.published_wait_weeks);
    out.pod(p.published_quality);
    out.pod(p.word_of_mouth_bias);
    out.pod(p.word_of_mouth_wait_bias);
    out.pod(p.wait_at_last_publication);
    out.pod<std::uint8_t>(p.active ? 1 : 0);
    out.pod(p.spec.listing_cap);
    out.pod(p.open_step);
    out.pod(p.close_step);
    out.pod(p.losing_quarters);
    out.pod(p.profit_this_quarter);
    out.pod(p.arrivals_this_quarter);
    out.pod(p.staff_fte);
  }
  out.pod(sim.workforce_free_fte);
  const OrganiserState& o = sim.organiser;
  for (const auto* v : {&o.served, &o.within}) out.vec(*v);
  for (const auto* v : {&o.withheld_eur, &o.temporary, &o.temporary_fte, &o.bought, &o.published,
                        &o.share_within, &o.satisfaction, &o.zone_share_within, &o.zone_satisfaction})
    out.vec(*v);
  out.pod(o.budget_year);
  out.pod(o.budget_spent_eur);
  out.pod<std::uint64_t>(sim.zones.size());
  for (const Zone& z : sim.zones) {
    out.pod(z.extra_review);
    out.pod(z.extra_reason);
    out.pod(z.demand_factor);
    out.pod(z.demand_factor_until);
    out.pod(z.recent_switchers);
  }
  out.pod<std::uint64_t>(sim.event_log.size());
  for (const auto& line : sim.event_log) out.text(line);
  out.pod<std::uint64_t>(sim.recorder.steps());
  out.pod<std::uint64_t>(sim.recorder.series().size());
  for (const auto& s : sim.recorder.series()) {
    out.text(s.name);
    out.pod<std::uint64_t>(s.dims.size());
    for (const auto& d : s.dims) out.text(d);
    out.text(s.units);
    out.text(s.long_name);
    out.pod<std::uint8_t>(s.integer ? 1 : 0);
    out.pod<std::uint64_t>(s.row_length);
    out.vec(s.real);
    out.vec(s.count);
  }

  // Temporary file, fsync, rename: a crash at any moment leaves the previous checkpoint intact.
  const std::string payload = out.bytes();
  const std::filesystem::path& path = target.path();
  const std::filesystem::path& temporary = target.temporary();
  const auto failed = [&](int err) {
    ::unlink(temporary.c_str());
    return std::runtime_error(
        fmt::format("{}: cannot write checkpoint: {}", path.string(), std::strerror(err)));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("{}: cannot write checkpoint: {}", path.string(), std::strerror(errno)));
  std::string file(kMagic, sizeof kMagic);
  const std::uint64_t length = payload.size(), checksum = fnv1a(payload);
  file.append(reinterpret_cast<const char*>(&kFormatVersion), sizeof kFormatVersion);
  file.append(reinterpret_cast<const char*>(&length), sizeof length);
  file += payload;
  file.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  std::size_t written = 0;
  while (written < file.size()) {
    const ssize_t n = ::write(fd, file.data() + written, file.size() - written);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw failed(err);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw failed(err);
  }
  if (::close(fd) != 0) throw failed(errno);
  try {
    target.install();
  } catch (const std::exception&) {
    ::unlink(temporary.c_str());
    throw;
  }
}

bool is_checkpoint(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  char magic[sizeof kMagic] = {};
  return file.read(magic, sizeof magic) && std::memcmp(magic, kMagic, sizeof kMagic) == 0;
}

TargetRules checkpoint_rules(std::vector<std::filesystem::path> inputs) {
  TargetRules rules;
  rules.what = "checkpoint";
  rules.option = "--checkpoint";
  rules.overwrite = true;  // a checkpoint replaces the previous one
  rules.inputs = std::move(inputs);
  rules.replaceable = is_checkpoint;
  rules.refusal = "exists and is not a Valinta checkpoint; it is not replaced: choose another file name";
  return rules;
}

CheckpointHeader read_checkpoint_header(const std::filesystem::path& path) {
  const std::string payload = read_payload(path);
  In in(payload, path.string());
  return read_header(in, path.string());
}

Scenario checkpoint_scenario(const CheckpointHeader& header) {
  Scenario s = load_scenario_text(header.resolved_scenario, header.source_path);
  s.source = header.source_path;
  s.source_text = header.source_text;
  return s;
}

void restore_checkpoint(Simulation& sim, const std::filesystem::path& path) {
  const std::string payload = read_payload(path);
  const std::string where = path.string();
  In in(payload, where);
  const CheckpointHeader h = read_header(in, where);
  if (h.seed != sim.options.seed || h.replication != sim.options.replication)
    throw std::runtime_error(where + ": the checkpoint belongs to another seed or replication");
  const auto n = in.pod<std::uint64_t>();
  if (n != sim.residents.size())
    throw std::runtime_error(
        fmt::format("{}: holds {} residents where this run has {}", where, n, sim.residents.size()));
  each_resident_array(sim.residents, [&](auto& v) { in.vec(v, n); });
  const auto producers = in.pod<std::uint64_t>();
  if (producers != sim.producers.size())
    throw std::runtime_error(
        fmt::format("{}: holds {} producers where this run has {}", where, producers, sim.producers.size()));
  for (Producer& p : sim.producers) {
    p.capacity_per_week = in.pod<double>();
    p.base_capacity_per_week = in.pod<double>();
    p.capacity_carry = in.pod<double>();
    in.vec(p.queue, p.queue.size());
    p.n_listed = in.pod<std::int64_t>();
    p.expected_wait_weeks = in.pod<double>();
    p.published_wait_weeks = in.pod<double>();
    p.published_quality = in.pod<double>();
    p.word_of_mouth_bias = in.pod<double>();
    p.word_of_mouth_wait_bias = in.pod<double>();
    p.wait_at_last_publication = in.pod<double>();
    p.active = in.pod<std::uint8_t>() != 0;
    p.spec.listing_cap = in.pod<std::int64_t>();
    p.open_step = in.pod<int>();
    p.close_step = in.pod<int>();
    p.losing_quarters = in.pod<int>();
    p.profit_this_quarter = in.pod<double>();
    p.arrivals_this_quarter = in.pod<std::int64_t>();
    p.staff_fte = in.pod<double>();
  }
  sim.workforce_free_fte = in.pod<double>();
  OrganiserState& o = sim.organiser;
  for (auto* v : {&o.served, &o.within}) in.vec(*v, v->size());
  for (auto* v : {&o.withheld_eur, &o.temporary, &o.temporary_fte, &o.bought, &o.published, &o.share_within,
                  &o.satisfaction, &o.zone_share_within, &o.zone_satisfaction})
    in.vec(*v, v->size());
  o.budget_year = in.pod<std::int64_t>();
  o.budget_spent_eur = in.pod<double>();
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    sim.producers[j].organiser_capacity_per_week = o.temporary[j] + o.bought[j];
  if (in.pod<std::uint64_t>() != sim.zones.size())
    throw std::runtime_error(where + ": holds another set of zones");
  for (Zone& z : sim.zones) {
    z.extra_review = in.pod<double>();
    z.extra_reason = in.pod<SwitchReason>();
    z.demand_factor = in.pod<double>();
    z.demand_factor_until = in.pod<int>();
    z.recent_switchers = in.pod<double>();
  }
  sim.event_log.resize(in.pod<std::uint64_t>());
  for (auto& line : sim.event_log) line = in.text();
  const auto steps = in.pod<std::uint64_t>();
  const auto count = in.pod<std::uint64_t>();
  std::vector<Recorder::Series> series(count);
  for (auto& s : series) {
    s.name = in.text();
    s.dims.resize(in.pod<std::uint64_t>());
    for (auto& d : s.dims) d = in.text();
    s.units = in.text();
    s.long_name = in.text();
    s.integer = in.pod<std::uint8_t>() != 0;
    s.row_length = in.pod<std::uint64_t>();
    in.vec(s.real);
    in.vec(s.count);
  }
  sim.recorder.restore(std::move(series), steps);
  sim.t = static_cast<int>(h.step);
  sim.risk_cells = count_risk_cells(sim);
  sim.away_from_home = count_away_from_home(sim);
  // Rule changes already made are made again (they are part of the scenario's timeline).
  for (const EventSpec& e : sim.scenario.events)
    if (e.type == EventType::rule_change && e.step < h.step) apply_rule_change(sim, e);
}

}  // namespace valinta
