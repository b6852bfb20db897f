#include "valinta/scenario/yaml_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "valinta/util/utf8.hpp"

namespace valinta::detail {

void Origins::set(const std::string& key, const std::string& file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (file == "--set") {  // a command-line override has no line to point at
    origins_[key] = {file, 0, 0};
    return;
  }
  origins_[key] = {file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
}

const Origin* Origins::find(const std::string& key) const {
  std::string k = key;
  while (!k.empty()) {
    if (auto it = origins_.find(k); it != origins_.end()) return &it->second;
    const auto cut = k.find_last_of(".[");
    if (cut == std::string::npos) break;
    k.resize(cut);
  }
  return nullptr;
}

void Origins::error(Diagnostics& diagnostics, const std::string& fallback_file, const std::string& key,
                    const std::string& message) const {
  if (const Origin* o = find(key))
    diagnostics.error(o->file, o->line, o->column, key, message);
  else
    diagnostics.error(fallback_file, 0, 0, key, message);
}

bool screen_text(const std::string& text, const std::string& file, Diagnostics& diagnostics) {
  constexpr int kMaxFlowDepth = 64;
  constexpr int kMaxIndent = 256;
  const std::size_t before = diagnostics.size();
  if (text.size() > kMaxScenarioBytes) {
    diagnostics.error(file, 0, 0, "",
                      fmt::format("the file is {:.1f} MiB; a scenario may be at most 8 MiB",
                                  static_cast<double>(text.size()) / (1u << 20)));
    return false;
  }
  int line = 1, column = 1, flow_depth = 0, indent = 0, tab_lines = 0;
  bool at_line_start = true, reported_depth = false, reported_indent = false;
  char quote = 0;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(text[k]);
    if (c == '\n') {
      ++line;
      column = 1;
      at_line_start = true;
      indent = 0;
      if (quote == '\'') quote = 0;
      continue;
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
      diagnostics.error(
          file, line, column, "",
          fmt::format("the file is not text (control byte 0x{:02x}); a scenario is YAML text", c));
      return false;
    }
    if (at_line_start) {
      if (c == ' ' || c == '-') {
        indent += (c == ' ') ? 1 : 2;
      } else if (c == '\t') {
        if (tab_lines++ < 5)
          diagnostics.error(file, line, column, "", "tab used for indentation; YAML allows only spaces");
      } else {
        at_line_start = false;
      }
      if (indent > kMaxIndent && !reported_indent) {
        diagnostics.error(file, line, column, "", fmt::format("nested deeper than {} columns", kMaxIndent));
        reported_indent = true;
      }
    }
    if (quote) {
      if (c == static_cast<unsigned char>(quote))
        quote = 0;
      else if (quote == '"' && c == '\\')
        ++k, ++column;
    } else if (c == '"' || (c == '\'' && k > 0 &&
                            std::string_view(" [{,:").find(text[k - 1]) != std::string_view::npos)) {
      quote = static_cast<char>(c);
    } else if (c == '#' && (k == 0 || text[k - 1] == ' ' || text[k - 1] == '\t')) {
      while (k + 1 < text.size() && text[k + 1] != '\n') ++k;
    } else if (c == '[' || c == '{') {
      if (++flow_depth > kMaxFlowDepth && !reported_depth) {
        diagnostics.error(file, line, column, "",
                          fmt::format("brackets nested deeper than {} levels", kMaxFlowDepth));
        reported_depth = true;
      }
    } else if ((c == ']' || c == '}') && flow_depth > 0) {
      --flow_depth;
    }
    ++column;
  }
  // YAML is Unicode text: a byte that is not UTF-8 (from a file saved as Latin-1, say) would be
  // read as part of a name, and the scenario as given is stored in the results file, whose
  // readers cannot decode it. Columns count bytes, as the YAML parser's do.
  if (const std::size_t bad = first_bad_utf8(text); bad != std::string_view::npos) {
    std::size_t from = bad == 0 ? std::string::npos : text.rfind('\n', bad - 1);
    from = from == std::string::npos ? 0 : from + 1;  // the start of its line
    const auto at_line =
        static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n')) + 1;
    const auto byte = static_cast<unsigned char>(text[bad]);
    diagnostics.error(
        file, at_line, static_cast<int>(bad - from) + 1, "",
        byte == 0 ? std::string("the file is not text (control byte 0x00); a scenario is YAML text")
                  : fmt::format("the file is not UTF-8 text (byte 0x{:02x} is not UTF-8 here); a scenario "
                                "is UTF-8 text: save it as UTF-8",
                                byte));
    return false;
  }
  return diagnostics.size() == before;
}

namespace {

// `text` for a message: control characters and bytes that are not UTF-8 as '?', cut to at most
// `limit` bytes (ending in "...") without splitting a character.
std::string printable(const std::string& text, std::size_t limit) {
  const std::size_t budget = text.size() <= limit ? text.size() : limit - 3;
  std::string out;
  std::size_t k = 0;
  while (k < text.size()) {
    const auto c = static_cast<unsigned char>(text[k]);
    std::size_t length = 1;
    bool shown = c >= 0x20 && c != 0x7f;
    if (c >= 0x80) {
      length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (first_bad_utf8(std::string_view(text).substr(k, length)) != std::string_view::npos) {
        length = 1;
        shown = false;
      }
    }
    if (out.size() + (shown ? length : 1) > budget) break;
    if (shown)
      out.append(text, k, length);
    else
      out += '?';
    k += length;
  }
  if (k < text.size()) out += "...";
  return out;
}

// Text must be UTF-8 without NUL characters: the results file stores names as UTF-8 strings (a
// NUL would end one early), and readers cannot decode anything else. Reports why, with the text
// before the offending byte, and returns false.
bool check_text(const std::string& text, const YAML::Node& node, const std::string& key, const Where& where) {
  const std::size_t bad = first_bad_utf8(text);
  if (bad == std::string_view::npos) return true;
  const auto byte = static_cast<unsigned char>(text[bad]);
  const std::string what =
      byte == 0 ? std::string("a NUL character") : fmt::format("byte 0x{:02x}, which is not UTF-8,", byte);
  // The text before it, from a character boundary at most 27 bytes back.
  std::size_t from = bad > 30 ? bad - 27 : 0;
  while (from < bad && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
  const std::string where_in = bad == 0 ? std::string("at the start")
                                        : fmt::format("after '{}{}'", from > 0 ? "..." : "",
                                                      printable(text.substr(from, bad - from), 40));
  where.error(node, key,
              fmt::format("must be UTF-8 text without NUL characters (got {} {})", what, where_in));
  return false;
}

}  // namespace

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "'" + printable(node.Scalar(), 40) + "'";
    default:
      return "an undefined value";
  }
}

namespace {

std::string range_text(const Range& r) {
  const bool has_min = std::isfinite(r.min);
  const bool has_max = std::isfinite(r.max);
  if (has_min && has_max && r.min_open) return fmt::format("> {} and <= {}", r.min, r.max);
  if (has_min && has_max) return fmt::format("between {} and {}", r.min, r.max);
  if (has_min) return fmt::format("{} {}", r.min_open ? ">" : ">=", r.min);
  if (has_max) return fmt::format("<= {}", r.max);
  return "any finite number";
}

bool in_range(const Range& r, double v) {
  if (r.min_open ? !(v > r.min) : !(v >= r.min)) return false;
  return v <= r.max;
}

// A finite double from a scalar; false with a reason otherwise.
bool parse_real(const YAML::Node& node, double& out, std::string& why) {
  if (!node.IsScalar()) {
    why = "must be a number (got " + describe(node) + ")";
    return false;
  }
  const std::string& s = node.Scalar();
  if (s == ".nan" || s == ".NaN" || s == ".NAN" || s == "nan" || s == "NaN") {
    why = "must be a finite number (got NaN)";
    return false;
  }
  if (s.find("inf") != std::string::npos || s.find("Inf") != std::string::npos ||
      s.find("INF") != std::string::npos) {
    why = "must be a finite number (got " + describe(node) + ")";
    return false;
  }
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (begin != end && *begin == '+') ++begin;
  auto result = std::from_chars(begin, end, out);
  if (result.ec == std::errc::result_out_of_range) {
    why = "is out of the range of numbers (got " + describe(node) + ")";
    return false;
  }
  if (result.ec != std::errc() || result.ptr != end || s.empty()) {
    why = "must be a number (got " + describe(node) + ")";
    return false;
  }
  if (!std::isfinite(out)) {
    why = "must be a finite number (got " + describe(node) + ")";
    return false;
  }
  return true;
}

// False (with the error reported) if `v` is outside the parameter's range.
bool check_range(const Param& param, const YAML::Node& node, const std::string& key, double v,
                 const Where& where) {
  if (in_range(param.range, v)) return true;
  where.error(node, key,
              fmt::format("must be {}{} (got {})", range_text(param.range),
                          param.auto_allowed ? " or auto" : "", describe(node)));
  return false;
}

}  // namespace

void assign_param(const Param& param, const YAML::Node& node, const std::string& key, const Where& where) {
  where.note(key, node);
  std::string why;
  switch (param.kind) {
    case ParamKind::real: {
      if (param.auto_allowed && node.IsScalar() && node.Scalar() == "auto") {
        *param.real = -1;  // computed by the model
        return;
      }
      double v = 0;
      if (!parse_real(node, v, why)) return where.error(node, key, why);
      // An out-of-range value is reported and never used: the default stays, so later checks
      // (e.g. dividing by time.step_days) never see it.
      if (!check_range(param, node, key, v, where)) return;
      *param.real = v;
      return;
    }
    case ParamKind::integer: {
      if (!node.IsScalar())
        return where.error(node, key, "must be a whole number (got " + describe(node) + ")");
      const std::string& s = node.Scalar();
      std::int64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec == std::errc::result_out_of_range)
        return where.error(node, key, "is too large (got " + describe(node) + ")");
      if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty())
        return where.error(node, key, "must be a whole number (got " + describe(node) + ")");
      if (!check_range(param, node, key, static_cast<double>(v), where)) return;
      *param.integer = v;
      return;
    }
    case ParamKind::boolean: {
      const std::string s = node.IsScalar() ? node.Scalar() : "";
      // YAML 1.2's forms (true, True, TRUE) and YAML 1.1's yes and no.
      if (s == "true" || s == "True" || s == "TRUE" || s == "yes")
        *param.boolean = true;
      else if (s == "false" || s == "False" || s == "FALSE" || s == "no")
        *param.boolean = false;
      else
        where.error(node, key, "must be true or false (got " + describe(node) + ")");
      return;
    }
    case ParamKind::choice: {
      const std::string s = node.IsScalar() ? node.Scalar() : "";
      for (std::size_t k = 0; k < param.choices.size(); ++k)
        if (param.choices[k] == s) {
          param.set_choice(k);
          return;
        }
      std::string allowed;
      for (const auto& c : param.choices) allowed += (allowed.empty() ? "" : ", ") + c;
      std::string msg = "must be one of " + allowed + " (got " + describe(node) + ")";
      const std::string guess = did_you_mean(s, param.choices);
      if (!guess.empty()) msg += "; did you mean '" + guess + "'?";
      where.error(node, key, msg);
      return;
    }
    case ParamKind::date: {
      std::int64_t days = 0;
      const std::string s = node.IsScalar() ? node.Scalar() : "";
      if (!parse_iso_date(s, days))
        return where.error(node, key,
                           fmt::format("must be a date YYYY-MM-DD {} (got {})", kDateRange, describe(node)));
      *param.text = s;
      return;
    }
    case ParamKind::text: {
      if (!node.IsScalar()) return where.error(node, key, "must be text (got " + describe(node) + ")");
      if (!check_text(node.Scalar(), node, key, where)) return;
      *param.text = node.Scalar();
      return;
    }
    case ParamKind::real_list: {
      if (!node.IsSequence())
        return where.error(
            node, key,
            fmt::format("must be a list of {} numbers (got {})", param.list_length, describe(node)));
      if (param.list_length != 0 && node.size() != param.list_length)
        return where.error(node, key,
                           fmt::format("must have {} values (got {})", param.list_length, node.size()));
      std::vector<double> values;
      bool ok = true;
      for (std::size_t i = 0; i < node.size(); ++i) {
        double v = 0;
        const std::string item_key = fmt::format("{}[{}]", key, i);
        where.note(item_key, node[i]);
        if (!parse_real(node[i], v, why)) {
          where.error(node[i], item_key, why);
          ok = false;
        } else if (!in_range(param.range, v)) {
          check_range(param, node[i], item_key, v, where);
          ok = false;
        }
        values.push_back(v);
      }
      if (ok) *param.real_list = std::move(values);
      return;
    }
    case ParamKind::text_list: {
      if (!node.IsSequence())
        return where.error(node, key, "must be a list of names (got " + describe(node) + ")");
      std::vector<std::string> values;
      for (std::size_t i = 0; i < node.size(); ++i) {
        where.note(fmt::format("{}[{}]", key, i), node[i]);
        if (!node[i].IsScalar()) {
          where.error(node[i], fmt::format("{}[{}]", key, i),
                      "must be a name (got " + describe(node[i]) + ")");
          continue;
        }
        if (!check_text(node[i].Scalar(), node[i], fmt::format("{}[{}]", key, i), where)) continue;
        values.push_back(node[i].Scalar());
      }
      *param.text_list = std::move(values);
      return;
    }
  }
}

bool parse_yaml(const std::string& text, const std::string& file, YAML::Node& root,
                Diagnostics& diagnostics) {
  if (!screen_text(text, file, diagnostics)) return false;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diagnostics.error(file, e.mark.line + 1, e.mark.column + 1, "", "invalid YAML: " + e.msg);
    return false;
  } catch (const YAML::Exception& e) {
    diagnostics.error(file, 0, 0, "", "cannot read the YAML: " + e.msg);
    return false;
  }
  return true;
}

}  // namespace valinta::detail
