#include "valinta/input/loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "valinta/input/data_files.hpp"
#include "valinta/input/demographics.hpp"
#include "valinta/input/validate.hpp"
#include "valinta/scenario/yaml_values.hpp"

namespace valinta {

namespace {

using detail::describe;
using detail::Where;

// Keys that hold structured lists rather than declared parameters.
const std::set<std::string> kStructuredKeys = {"extends", "zones", "producers", "events", "chains"};

std::vector<std::string> child_names(const ParamRegistry& registry, const std::string& prefix) {
  std::set<std::string> names;
  for (const auto& p : registry.params()) {
    if (p.key.rfind(prefix, 0) != 0) continue;
    const std::string rest = p.key.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('.')));
  }
  if (prefix.empty()) names.insert(kStructuredKeys.begin(), kStructuredKeys.end());
  return {names.begin(), names.end()};
}

bool is_prefix_of_param(const ParamRegistry& registry, const std::string& key) {
  for (const auto& p : registry.params())
    if (p.key.rfind(key + ".", 0) == 0) return true;
  return false;
}

void unknown_key(const YAML::Node& key_node, const std::string& key, const std::string& prefix,
                 const ParamRegistry& registry, const Where& where) {
  const std::string leaf = key.substr(prefix.size());
  const auto names = child_names(registry, prefix);
  std::string message = "unknown key";
  const std::string guess = did_you_mean(leaf, names);
  if (!guess.empty()) {
    message += "; did you mean '" + prefix + guess + "'?";
  } else {
    std::string allowed;
    for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
    message += " (allowed here: " + allowed + ")";
  }
  where.error(key_node, key, message);
}

// Walks one mapping level, assigning declared parameters and reporting everything else.
void walk(const YAML::Node& map, const std::string& prefix, const ParamRegistry& registry, const Where& where,
          std::set<std::string>& seen) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    // Copies (cheap handles): `it->first` is a member of a temporary that dies with the statement.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (!key_node.IsScalar()) {
      where.error(key_node, prefix, "keys must be plain names (got " + describe(key_node) + ")");
      continue;
    }
    const std::string key = prefix + key_node.Scalar();
    if (!seen.insert(key).second) {
      where.error(key_node, key, "duplicate key (each key may appear once)");
      continue;
    }
    if (prefix.empty() && kStructuredKeys.count(key)) continue;
    if (const Param* param = registry.find(key)) {
      detail::assign_param(*param, value, key, where);
    } else if (is_prefix_of_param(registry, key)) {
      if (value.IsMap()) {
        walk(value, key + ".", registry, where, seen);
      } else if (!value.IsNull()) {
        where.error(value, key, "must be a mapping of settings (got " + describe(value) + ")");
      }
    } else {
      unknown_key(key_node, key, prefix, registry, where);
    }
  }
}

// Applies "dotted.key=value" overrides, parsed as YAML scalars or flow lists.
void apply_overrides(const std::vector<std::string>& overrides, const ParamRegistry& registry,
                     Diagnostics& diagnostics, detail::Origins& origins) {
  const std::string origin = "--set";
  Where where{origin, diagnostics, &origins};
  for (const auto& text : overrides) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      diagnostics.error(origin, 0, 0, text, "must be KEY=VALUE");
      continue;
    }
    const std::string key = text.substr(0, eq);
    const Param* param = registry.find(key);
    if (param == nullptr) {
      std::vector<std::string> keys;
      for (const auto& p : registry.params()) keys.push_back(p.key);
      const std::string guess = did_you_mean(key, keys);
      diagnostics.error(origin, 0, 0, key,
                        "unknown key" + (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(text.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      diagnostics.error(origin, 0, 0, key, "cannot read the value: " + e.msg);
      continue;
    }
    detail::assign_param(*param, value, key, where);
  }
}

}  // namespace

std::string read_input_file(const std::filesystem::path& file, Diagnostics& diagnostics) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    diagnostics.error(file.string(), 0, 0, "",
                      std::filesystem::exists(file, ec) ? "is not a regular file" : "no such scenario file");
    return {};
  }
  // Read no more than a scenario may hold: a huge (or endless, like /proc files) file is refused
  // without reading it all into memory.
  std::ifstream in(file, std::ios::binary);
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > detail::kMaxScenarioBytes) {
      const std::size_t limit_mib = detail::kMaxScenarioBytes >> 20;
      const std::uintmax_t size = std::filesystem::file_size(file, ec);
      const std::string size_text = ec || size < text.size()
                                        ? fmt::format("more than {}", limit_mib)
                                        : fmt::format("{:.1f}", static_cast<double>(size) / (1 << 20));
      diagnostics.error(
          file.string(), 0, 0, "",
          fmt::format("the file is {} MiB; a scenario may be at most {} MiB", size_text, limit_mib));
      return {};
    }
  }
  if (in.bad()) diagnostics.error(file.string(), 0, 0, "", "cannot be read");
  return text;
}

Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  Diagnostics diagnostics;
  std::string text = read_input_file(file, diagnostics);
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));
  return load_scenario_text(text, file, overrides);
}

namespace {

// One file of an `extends:` chain, parsed.
struct Layer {
  std::filesystem::path file;
  std::string text;
  YAML::Node root;
};

// Parses one scenario text; false (with errors reported) if it cannot be used at all.
bool parse_layer(Layer& layer, Diagnostics& diagnostics) {
  const std::string file = layer.file.string();
  if (!detail::parse_yaml(layer.text, file, layer.root, diagnostics)) return false;
  if (!layer.root.IsMap()) {
    diagnostics.error(file, 1, 1, "",
                      "a scenario must be a mapping of settings (got " + describe(layer.root) +
                          (layer.root.IsNull() ? ", the file is empty" : "") + ")");
    return false;
  }
  return true;
}

// The chain of files from `child` through `extends:` to the base scenario, child first.
std::vector<Layer> read_chain(Layer child, Diagnostics& diagnostics) {
  std::vector<Layer> chain;
  std::set<std::string> visited;
  if (!parse_layer(child, diagnostics)) return chain;
  chain.push_back(std::move(child));
  for (int depth = 0; depth < 32; ++depth) {
    const Layer& current = chain.back();
    const YAML::Node extends = current.root["extends"];
    if (!extends) break;
    const std::string file = current.file.string();
    const YAML::Mark m = extends.Mark();
    if (!extends.IsScalar() || extends.Scalar().empty()) {
      diagnostics.error(file, m.line + 1, m.column + 1, "extends",
                        "must be the path of a scenario file (got " + describe(extends) + ")");
      break;
    }
    std::error_code ec;
    visited.insert(std::filesystem::weakly_canonical(current.file, ec).string());
    Layer parent;
    parent.file = current.file.parent_path() / extends.Scalar();
    const std::string canonical = std::filesystem::weakly_canonical(parent.file, ec).string();
    if (visited.count(canonical)) {
      diagnostics.error(file, m.line + 1, m.column + 1, "extends",
                        "'" + extends.Scalar() + "' extends this file again (a cycle)");
      break;
    }
    Diagnostics missing;
    parent.text = read_input_file(parent.file, missing);
    if (!missing.empty()) {
      diagnostics.error(file, m.line + 1, m.column + 1, "extends",
                        "cannot read '" + parent.file.string() + "': " + missing.list().front().message);
      break;
    }
    if (!parse_layer(parent, diagnostics)) break;
    chain.push_back(std::move(parent));
  }
  if (chain.size() == 33)
    diagnostics.error(chain.front().file.string(), 0, 0, "extends", "more than 32 levels of extends");
  // (Not reversed here: assigning one YAML::Node to another copies content instead of rebinding.)
  return chain;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file_name,
                            const std::vector<std::string>& overrides) {
  Diagnostics diagnostics;
  const std::vector<Layer> chain = read_chain({file_name, text, {}}, diagnostics);
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));

  Scenario scenario;
  ParamRegistry registry;
  declare_scenario_params(registry, scenario);
  scenario.source = file_name;
  scenario.source_text = text;
  for (const Layer& layer : chain) scenario.inputs.push_back(layer.file);
  detail::Origins origins;

  // Each file of the chain in turn, base first: later files override earlier ones key by key;
  // a zones or producers list replaces the inherited list as a whole.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Layer& layer = *it;
    const std::string file = layer.file.string();
    Where where{file, diagnostics, &origins};
    std::set<std::string> seen;
    walk(layer.root, "", registry, where, seen);
    if (const YAML::Node zones = layer.root["zones"]) {
      scenario.zones.clear();
      read_zone_list(zones, scenario, where);
    }
    if (const YAML::Node producers = layer.root["producers"]) {
      scenario.producers.clear();
      read_producer_list(producers, scenario, where);
    }
    if (const YAML::Node events = layer.root["events"]) {
      scenario.events.clear();
      read_event_list(events, scenario, where);
    }
    if (const YAML::Node chains = layer.root["chains"]) {
      scenario.chains.clear();
      read_chain_list(chains, scenario, where);
    }
  }
  apply_overrides(overrides, registry, diagnostics, origins);

  // A data file is relative to the scenario file that names it (to the working directory for --set).
  if (!scenario.population.zones_file.empty()) {
    const detail::Origin* origin = origins.find("population.zones_file");
    const std::filesystem::path base =
        origin && origin->file != "--set" ? std::filesystem::path(origin->file).parent_path() : "";
    read_zones_csv(base / scenario.population.zones_file, scenario, diagnostics);
    scenario.inputs.push_back(base / scenario.population.zones_file);
  }
  // The demographics files give the zones read so far (from the CSV or inline) their own values.
  for (const auto& [key, file, read] :
       {std::tuple{"population.age_structure_file", &scenario.population.age_structure_file,
                   &read_age_structure_csv},
        std::tuple{"population.activity_file", &scenario.population.activity_file, &read_activity_csv}}) {
    if (file->empty()) continue;
    const detail::Origin* origin = origins.find(key);
    const std::filesystem::path base =
        origin && origin->file != "--set" ? std::filesystem::path(origin->file).parent_path() : "";
    read(base / *file, scenario, diagnostics);
    scenario.inputs.push_back(base / *file);
  }

  validate_scenario(scenario, origins, file_name.string(), diagnostics);
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));
  return scenario;
}

namespace {
// `text` as a YAML double-quoted scalar: quotes, backslashes and control characters escaped.
std::string double_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') out += '\\';
    if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  return out + "\"";
}
}  // namespace

std::string resolved_yaml(const Scenario& scenario) {
  Scenario bound;
  ParamRegistry registry;
  declare_scenario_params(registry, bound);
  bound = scenario;  // the registry's pointers now read the scenario's values
  // The zones are written out below, so the resolved text does not read the data file again.
  bound.population.zones_file.clear();
  bound.population.region.clear();
  bound.population.age_structure_file.clear();
  bound.population.activity_file.clear();

  // Dotted keys as a tree, groups in order of first appearance, so each mapping is written once.
  struct Group {
    const Param* param = nullptr;
    std::vector<std::pair<std::string, std::unique_ptr<Group>>> children;
    Group* child(const std::string& name) {
      for (auto& [n, c] : children)
        if (n == name) return c.get();
      children.emplace_back(name, std::make_unique<Group>());
      return children.back().second.get();
    }
  };
  Group tree;
  for (const auto& p : registry.params()) {
    Group* g = &tree;
    std::stringstream ss(p.key);
    for (std::string part; std::getline(ss, part, '.');) g = g->child(part);
    g->param = &p;
  }
  YAML::Emitter out;
  std::function<void(const Group&)> emit = [&](const Group& g) {
    out << YAML::BeginMap;
    for (const auto& [name, c] : g.children) {
      out << YAML::Key << name << YAML::Value;
      if (!c->param) {
        emit(*c);
        out << YAML::EndMap;
        continue;
      }
      const Param& p = *c->param;
      if (p.kind == ParamKind::real_list || p.kind == ParamKind::text_list) {
        out << YAML::Flow << YAML::BeginSeq;
        if (p.kind == ParamKind::real_list)
          for (const double v : *p.real_list) out << fmt::format("{}", v);
        else
          for (const auto& v : *p.text_list) out << v;
        out << YAML::EndSeq;
      } else if (p.kind == ParamKind::text) {
        out << YAML::DoubleQuoted << *p.text;
      } else {
        out << p.value_text();
      }
    }
  };  // (the caller closes the mapping)
  // The top level: the parameters through the emitter; the lists of records are appended below.
  out << YAML::BeginMap;
  for (const auto& [name, c] : tree.children) {
    out << YAML::Key << name << YAML::Value;
    if (c->param) {
      const Param& p = *c->param;
      if (p.kind == ParamKind::text)
        out << YAML::DoubleQuoted << *p.text;
      else
        out << p.value_text();
    } else {
      emit(*c);
      out << YAML::EndMap;
    }
  }
  out << YAML::EndMap;
  // The lists of records (zones, producers, events, chains: thousands of entries on a national
  // scenario) are written here, one flow mapping per line: the emitter's checks of every scalar
  // would take most of the time of writing a results file's scenario.
  std::string lists;
  auto begin_list = [&](const char* name, bool empty) {
    lists += fmt::format("{}:{}\n", name, empty ? " []" : "");
  };
  begin_list("zones", scenario.zones.empty());
  for (const auto& z : scenario.zones) {
    lists += fmt::format("  - {{name: {}, population: {}, lat: {}, lon: {}", double_quoted(z.name),
                         z.population, z.lat, z.lon);
    if (z.spread_km >= 0) lists += fmt::format(", spread_km: {}", z.spread_km);
    if (!z.code.empty()) lists += ", code: " + double_quoted(z.code);
    if (!z.region.empty()) lists += ", region: " + double_quoted(z.region);
    if (!z.age_band_shares.empty())
      lists += fmt::format(", age_band_shares: [{}]", fmt::join(z.age_band_shares, ", "));
    if (z.female_share >= 0) lists += fmt::format(", female_share: {}", z.female_share);
    if (z.employed_share >= 0) lists += fmt::format(", employed_share: {}", z.employed_share);
    if (z.median_income_eur >= 0) lists += fmt::format(", median_income_eur: {}", z.median_income_eur);
    lists += "}\n";
  }
  // Fields as declared, leaving out those that mean "not given".
  auto fields_text = [](const ParamRegistry& fields) {
    std::string text;
    for (const auto& p : fields.params()) {
      if (p.kind == ParamKind::real && std::isnan(*p.real)) continue;  // e.g. at the zone centre
      if (p.kind == ParamKind::date && p.text->empty()) continue;      // e.g. no closing date
      text += (text.empty() ? "" : ", ") + p.key + ": ";
      if (p.kind == ParamKind::text) {
        text += double_quoted(*p.text);
      } else if (p.kind == ParamKind::text_list) {
        text += "[";
        for (std::size_t k = 0; k < p.text_list->size(); ++k)
          text += (k ? ", " : "") + double_quoted((*p.text_list)[k]);
        text += "]";
      } else {
        text += p.value_text();
      }
    }
    return text;
  };
  // One list of records: each entry's fields through one registry bound to a record that each
  // entry is copied into in turn.
  auto emit_list = [&](const char* name, const auto& list, auto declare, auto extra) {
    begin_list(name, list.empty());
    typename std::remove_cvref_t<decltype(list)>::value_type fields;
    ParamRegistry registry_of_fields;
    declare(registry_of_fields, fields);
    for (const auto& spec : list) {
      fields = spec;
      lists += "  - {" + fields_text(registry_of_fields) + extra(spec) + "}\n";
    }
  };
  const auto nothing = [](const auto&) { return std::string(); };
  emit_list("producers", scenario.producers, declare_producer_fields, nothing);
  emit_list("events", scenario.events, declare_event_fields, [](const EventSpec& spec) {
    if (spec.set.empty()) return std::string();
    // Each value as the loader keeps it: YAML in flow style.
    std::string text = ", set: {";
    for (std::size_t k = 0; k < spec.set.size(); ++k)
      text += (k ? ", " : "") + spec.set[k].first + ": " + spec.set[k].second;
    return text + "}";
  });
  emit_list("chains", scenario.chains, declare_chain_fields, nothing);
  return std::string(out.c_str()) + "\n" + lists;
}

std::filesystem::path scenarios_directory() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("VALINTA_SCENARIOS"); env && *env) return fs::path(env);
  // Beside the executable: an installed tree (PREFIX/bin/valinta, PREFIX/share/valinta) or a
  // build tree, which holds a copy of scenarios/ made when it was built (build/release/valinta,
  // build/release/share/valinta). Never a path compiled in: a moved or copied build reads its own.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> tried;
  if (!ec) {
    for (const fs::path& share : {exe.parent_path().parent_path() / "share", exe.parent_path() / "share"}) {
      const fs::path dir = share / "valinta" / "scenarios";
      if (fs::is_regular_file(dir / "keski-suomi.yaml", ec)) return dir;
      tried.push_back(dir.lexically_normal());
    }
  }
  Diagnostics diagnostics;
  std::string where;
  for (const fs::path& dir : tried) where += (where.empty() ? "" : " or ") + dir.string();
  diagnostics.error("", 0, 0, "",
                    "no scenario given, and the default scenario (keski-suomi.yaml) is not installed" +
                        (where.empty() ? std::string() : " in " + where) +
                        "; name a scenario file, or set VALINTA_SCENARIOS to a folder of scenarios");
  throw ScenarioError(std::move(diagnostics));
}

std::filesystem::path default_scenario_path() { return scenarios_directory() / "keski-suomi.yaml"; }

}  // namespace valinta
