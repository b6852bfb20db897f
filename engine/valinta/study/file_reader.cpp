#include "valinta/study/file_reader.hpp"

#include <algorithm>

#include "valinta/input/loader.hpp"

namespace valinta {

YAML::Node FileReader::read_mapping(const std::filesystem::path& file, Diagnostics& diagnostics,
                                    const std::string& what) {
  const std::string text = read_input_file(file, diagnostics);
  YAML::Node root;
  if (!diagnostics.empty() || !detail::parse_yaml(text, file.string(), root, diagnostics))
    throw ScenarioError(std::move(diagnostics));
  if (!root.IsMap()) {
    diagnostics.error(file.string(), 1, 1, "", what);
    throw ScenarioError(std::move(diagnostics));
  }
  return root;
}

void FileReader::unknown_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                              const std::string& where) const {
  for (const auto& item : map) {
    const auto name = key(item.first, where);
    if (!name || std::find(allowed.begin(), allowed.end(), *name) != allowed.end()) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    const std::string guess = did_you_mean(*name, allowed);
    error(
        item.first, where.empty() ? *name : where + "." + *name,
        guess.empty() ? "unknown key (allowed: " + list + ")" : "unknown key; did you mean '" + guess + "'?");
  }
}

void FileReader::overrides(const YAML::Node& node, std::vector<std::string>& sets) const {
  if (!node.IsSequence()) {
    error(node, "set", "must be a list of KEY=VALUE overrides");
    return;
  }
  for (const auto& v : node)
    if (const auto s = scalar<std::string>(v, "set", "KEY=VALUE")) sets.push_back(*s);
}

const Param* FileReader::numeric_parameter(const YAML::Node& key_node, const std::string& name,
                                           const std::string& where, const ParamRegistry& registry,
                                           const std::string& use) const {
  const Param* param = registry.find(name);
  if (param == nullptr) {
    std::vector<std::string> keys;
    for (const auto& q : registry.params()) keys.push_back(q.key);
    const std::string guess = did_you_mean(name, keys);
    error(key_node, where,
          "not a scenario parameter" + (guess.empty() ? std::string(" (see docs/scenario-reference.md)")
                                                      : "; did you mean '" + guess + "'?"));
    return nullptr;
  }
  if (param->kind != ParamKind::real && param->kind != ParamKind::integer) {
    error(key_node, where, "only numeric parameters (real or integer) can be " + use);
    return nullptr;
  }
  return param;
}

}  // namespace valinta
