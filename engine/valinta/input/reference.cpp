#include "valinta/input/reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>

#include "valinta/input/data_files.hpp"
#include "valinta/model/scenario.hpp"
#include "valinta/util/json.hpp"

namespace valinta {

namespace {

std::string json_number(double v) { return fmt::format("{}", v); }

std::string description(const Param& p) {
  std::string d = p.doc.meaning;
  if (!p.doc.unit.empty()) d += " [" + p.doc.unit + "]";
  d += ". Default: " + p.default_text + ".";
  if (!p.doc.source.empty()) d += " Source: " + p.doc.source + ".";
  return d;
}

// What the loader accepts, as JSON Schema. The loader reads a scalar's text, so a number or a
// boolean may also be written quoted ("2.5", "yes"), a text field may be written as a number or
// a boolean (name: 2018), and a boolean as yes/no (which YAML 1.2 editors read as text).
constexpr const char* kRealText =
    R"("type": "string", "pattern": "^[+]?-?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$")";
constexpr const char* kIntegerText = R"("type": "string", "pattern": "^-?[0-9]+$")";
constexpr const char* kBooleanText =
    R"("enum": ["true", "false", "yes", "no", "True", "False", "TRUE", "FALSE"])";
constexpr const char* kText = R"("type": ["string", "number", "boolean"])";
// A calendar date from 1900-01-01 to 2200-12-31 (the loader also refuses days a month lacks).
constexpr const char* kDate =
    R"("type": "string", "pattern": "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")";

std::string joined(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f;
  return out;
}

// The JSON Schema of one parameter.
std::string param_schema(const Param& p) {
  std::vector<std::string> fields = {"\"description\": " + json_string(description(p))};
  auto bounds = [&](std::vector<std::string>& f) {
    if (std::isfinite(p.range.min))
      f.push_back(fmt::format("\"{}\": {}", p.range.min_open ? "exclusiveMinimum" : "minimum",
                              json_number(p.range.min)));
    if (std::isfinite(p.range.max)) f.push_back(fmt::format("\"maximum\": {}", json_number(p.range.max)));
  };
  // A number within the bounds, or the same written as quoted text.
  auto number = [&](const char* type, const char* text) {
    std::vector<std::string> plain = {fmt::format("\"type\": \"{}\"", type)};
    bounds(plain);
    return "{" + joined(plain) + "}, {" + text + "}";
  };
  switch (p.kind) {
    case ParamKind::real:
      fields.push_back("\"anyOf\": [" + number("number", kRealText) +
                       (p.auto_allowed ? ", {\"const\": \"auto\"}" : "") + "]");
      break;
    case ParamKind::integer:
      fields.push_back("\"anyOf\": [" + number("integer", kIntegerText) + "]");
      break;
    case ParamKind::boolean:
      fields.push_back(std::string("\"anyOf\": [{\"type\": \"boolean\"}, {") + kBooleanText + "}]");
      break;
    case ParamKind::choice: {
      std::string values;
      for (const auto& c : p.choices) values += (values.empty() ? "" : ", ") + json_string(c);
      fields.push_back("\"enum\": [" + values + "]");
      break;
    }
    case ParamKind::date:
      fields.emplace_back(kDate);
      break;
    case ParamKind::text:
      fields.emplace_back(kText);
      break;
    case ParamKind::real_list:
      fields.push_back("\"type\": \"array\"");
      fields.push_back("\"items\": {\"anyOf\": [" + number("number", kRealText) + "]}");
      if (p.list_length > 0) {
        fields.push_back(fmt::format("\"minItems\": {}", p.list_length));
        fields.push_back(fmt::format("\"maxItems\": {}", p.list_length));
      }
      break;
    case ParamKind::text_list:
      fields.push_back("\"type\": \"array\"");
      fields.push_back(std::string("\"items\": {") + kText + "}");
      break;
  }
  return "{" + joined(fields) + "}";
}

// A tree of dotted keys, so nested mappings become nested objects.
struct Node {
  const Param* param = nullptr;
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> children;
  Node* child(const std::string& name) {
    for (auto& [n, c] : children)
      if (n == name) return c.get();
    children.emplace_back(name, std::make_unique<Node>());
    return children.back().second.get();
  }
};

// A mapping of `node`'s children. A group (a mapping of settings) may also be empty (null), as
// when all its keys are commented out; the top level also takes every key written dotted
// (rules.min_listing_months: 6, or a group's name: choice.b_travel's group "choice").
std::string object_schema(const Node& node, int indent, const std::vector<std::string>& extra,
                          const std::vector<std::string>& required = {}, bool nullable = false) {
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  std::string out = "{\n" + pad + "\"type\": " + (nullable ? "[\"object\", \"null\"]" : "\"object\"") +
                    ",\n" + pad + "\"additionalProperties\": false,\n" + pad + "\"properties\": {\n";
  std::vector<std::string> items;
  for (const auto& [name, child] : node.children)
    items.push_back(
        pad + "  " + json_string(name) + ": " +
        (child->param ? param_schema(*child->param) : object_schema(*child, indent + 4, {}, {}, true)));
  items.insert(items.end(), extra.begin(), extra.end());
  for (std::size_t k = 0; k < items.size(); ++k) out += items[k] + (k + 1 < items.size() ? ",\n" : "\n");
  out += pad + "}";
  if (!required.empty()) {
    std::string names;
    for (const auto& r : required) names += (names.empty() ? "" : ", ") + json_string(r);
    out += ",\n" + pad + "\"required\": [" + names + "]";
  }
  return out + "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "}";
}

// A list entry's fields (a producer, zone, event or chain); `extra` are further properties.
std::string record_schema(const ParamRegistry& fields, const std::vector<std::string>& required, int indent,
                          const std::vector<std::string>& extra = {}) {
  Node root;
  for (const auto& p : fields.params()) root.child(p.key)->param = &p;
  return object_schema(root, indent, extra, required);
}

// The scenario's parameter declarations (bound to a scenario of defaults that lives as long).
struct Declared {
  Scenario scenario;
  ParamRegistry registry;
  Declared() { declare_scenario_params(registry, scenario); }
  Declared(const Declared&) = delete;  // the registry points into `scenario`
  Declared& operator=(const Declared&) = delete;
};

}  // namespace

std::string scenario_json_schema() {
  const Declared declared;
  const ParamRegistry& registry = declared.registry;
  Node root;
  for (const auto& p : registry.params()) {
    Node* node = &root;
    std::stringstream ss(p.key);
    for (std::string part; std::getline(ss, part, '.');) node = node->child(part);
    node->param = &p;
  }
  ProducerSpec producer;
  ParamRegistry producer_fields;
  declare_producer_fields(producer_fields, producer);
  ZoneSpec zone;
  ParamRegistry zone_fields;
  declare_zone_fields(zone_fields, zone);
  EventSpec event;
  ParamRegistry event_fields;
  declare_event_fields(event_fields, event);
  ChainSpec chain;
  ParamRegistry chain_fields;
  declare_chain_fields(chain_fields, chain);
  // An event's `set`: the parameters a run may change as it goes, each written dotted.
  std::vector<std::string> settable;
  for (const auto& p : registry.params())
    if (settable_during_run(p.key))
      settable.push_back("          " + json_string(p.key) + ": " + param_schema(p));
  std::string set_schema =
      "{\n          \"type\": \"object\",\n          \"additionalProperties\": false,\n"
      "          \"description\": \"rule_change: parameters and their new values, "
      "each key written dotted (rules.min_listing_months: 12)\",\n"
      "          \"properties\": {\n";
  for (std::size_t k = 0; k < settable.size(); ++k)
    set_schema += settable[k] + (k + 1 < settable.size() ? ",\n" : "\n");
  set_schema += "          }\n        }";
  const std::string events =
      record_schema(event_fields, {"date", "type"}, 4, {"        \"set\": " + set_schema});
  std::vector<std::string> extra = {
      "    \"extends\": {\"type\": \"string\", \"description\": \"path of a scenario file this one builds on "
      "(relative to this file); keys given here override it\"}",
      "    \"zones\": {\"type\": \"array\", \"description\": \"zones given inline (in addition to "
      "population.zones_file)\", \"items\": " +
          record_schema(zone_fields, {"name", "population", "lat", "lon"}, 4) + "}",
      "    \"producers\": {\"type\": \"array\", \"description\": \"producers (a public station is added to "
      "every zone without one)\", \"items\": " +
          record_schema(producer_fields, {"name", "zone"}, 4) + "}",
      "    \"events\": {\"type\": \"array\", \"description\": \"scheduled events: rule changes, openings, "
      "closings, capacity and demand shocks, campaigns\", \"items\": " +
          events + "}",
      "    \"chains\": {\"type\": \"array\", \"description\": \"chains of private or third-sector producers "
      "that may open units when the market is on\", \"items\": " +
          record_schema(chain_fields, {"name"}, 4) + "}"};
  // Keys written dotted at the top level: every parameter and group below it.
  for (const auto& [group, child] : root.children) {
    if (child->param) continue;
    for (const auto& [name, leaf] : child->children)
      extra.push_back("    " + json_string(group + "." + name) + ": " + param_schema(*leaf->param));
  }
  std::string body = object_schema(root, 0, extra);
  return "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"title\": \"Valinta "
         "scenario\",\n" +
         body.substr(2) + "\n";
}

std::string scenario_parameters_json() {
  const Declared declared;
  const ParamRegistry& registry = declared.registry;
  constexpr const char* kKinds[] = {"real", "integer", "boolean",   "choice",
                                    "date", "text",    "real_list", "text_list"};
  const auto bound = [](double v) { return std::isfinite(v) ? json_number(v) : std::string("null"); };
  std::string out = "[\n";
  for (std::size_t k = 0; k < registry.params().size(); ++k) {
    const Param& p = registry.params()[k];
    const std::size_t dot = p.key.find('.');
    std::string choices;
    for (const auto& c : p.choices) choices += (choices.empty() ? "" : ", ") + json_string(c);
    out += fmt::format(
        "  {{\"key\": {}, \"group\": {}, \"kind\": \"{}\", \"meaning\": {}, \"unit\": {}, \"default\": {}, "
        "\"min\": {}, \"max\": {}, \"min_open\": {}, \"choices\": [{}], \"list_length\": {}, "
        "\"auto_allowed\": {}, \"source\": {}}}{}\n",
        json_string(p.key), json_string(dot == std::string::npos ? "general" : p.key.substr(0, dot)),
        kKinds[static_cast<int>(p.kind)], json_string(p.doc.meaning), json_string(p.doc.unit),
        json_string(p.default_text), bound(p.range.min), bound(p.range.max),
        p.range.min_open ? "true" : "false", choices, p.list_length, p.auto_allowed ? "true" : "false",
        json_string(p.doc.source), k + 1 < registry.params().size() ? "," : "");
  }
  return out + "]\n";
}

std::vector<std::string> scenario_parameter_keys() {
  const Declared declared;
  const ParamRegistry& registry = declared.registry;
  std::vector<std::string> keys;
  for (const auto& p : registry.params()) keys.push_back(p.key);
  return keys;
}

std::string scenario_reference_markdown() {
  const Declared declared;
  const ParamRegistry& registry = declared.registry;
  std::string out =
      "# Scenario reference\n\n"
      "<!-- Generated by `valinta reference` from the parameter declarations in the engine; "
      "a test fails when this file is stale. Regenerate: build/release/valinta reference > "
      "docs/scenario-reference.md -->\n\n"
      "A scenario is a YAML file. Every key below is optional: a missing key takes its default. Keys are\n"
      "written nested (`rules:` then `min_listing_months: 6` indented) or overridden on the command line\n"
      "with `--set rules.min_listing_months=6`. `extends: base.yaml` builds on another scenario file\n"
      "(relative to this one): keys given here override it, and a `zones` or `producers` list replaces\n"
      "the inherited list. `valinta show FILE` prints a scenario with every default filled in, and\n"
      "`valinta schema` prints a JSON Schema for editors.\n";
  auto row = [](const Param& p) {
    std::string range;
    if (p.kind == ParamKind::choice) {
      for (const auto& c : p.choices) range += (range.empty() ? "" : ", ") + ("`" + c + "`");
    } else if (p.kind == ParamKind::real || p.kind == ParamKind::integer || p.kind == ParamKind::real_list) {
      const bool lo = std::isfinite(p.range.min), hi = std::isfinite(p.range.max);
      if (lo && hi)
        range = fmt::format("{} to {}", p.range.min, p.range.max);
      else if (lo)
        range = fmt::format("{} {}", p.range.min_open ? ">" : "≥", p.range.min);
      else if (hi)
        range = fmt::format("≤ {}", p.range.max);
      if (p.kind == ParamKind::real_list && p.list_length)
        range += fmt::format(" ({} values)", p.list_length);
      if (p.auto_allowed) range += ", or `auto`";
    } else if (p.kind == ParamKind::date) {
      range = fmt::format("YYYY-MM-DD {}", kDateRange);
    } else if (p.kind == ParamKind::boolean) {
      range = "true, false";
    }
    auto cell = [](std::string v) {
      for (std::size_t k = 0; (k = v.find('|', k)) != std::string::npos; k += 2) v.replace(k, 1, "\\|");
      return v;
    };
    return fmt::format("| `{}` | {} | {} | `{}` | {} | {} |\n", p.key, cell(p.doc.meaning), cell(p.doc.unit),
                       cell(p.default_text), cell(range), cell(p.doc.source));
  };
  const std::string header =
      "| key | meaning | unit | default | allowed | source |\n|---|---|---|---|---|---|\n";
  // One section per top-level key, in order of first appearance.
  std::vector<std::string> groups;
  auto group_of = [](const Param& p) {
    return p.key.find('.') == std::string::npos ? std::string("general") : p.key.substr(0, p.key.find('.'));
  };
  for (const auto& p : registry.params())
    if (std::find(groups.begin(), groups.end(), group_of(p)) == groups.end()) groups.push_back(group_of(p));
  for (const auto& group : groups) {
    out += "\n## " + group + "\n\n" + header;
    for (const auto& p : registry.params())
      if (group_of(p) == group) out += row(p);
  }
  ProducerSpec producer;
  ParamRegistry producer_fields;
  declare_producer_fields(producer_fields, producer);
  out += "\n## producers (a list; each entry has these fields, `name` and `zone` required)\n\n" + header;
  for (const auto& p : producer_fields.params()) out += row(p);
  ZoneSpec zone;
  ParamRegistry zone_fields;
  declare_zone_fields(zone_fields, zone);
  out += "\n## zones (a list given inline; `name`, `population`, `lat`, `lon` required)\n\n" + header;
  for (const auto& p : zone_fields.params()) out += row(p);
  return out;
}

}  // namespace valinta
