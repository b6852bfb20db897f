#pragma once
// Parameter declarations: every scenario parameter is declared once, next to the module that
// uses it, with its meaning, unit, default, allowed range and source. The same declarations
// drive parsing, validation, `valinta show` and the scenario reference.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace valinta {

enum class ParamKind { real, integer, boolean, choice, date, text, real_list, text_list };

struct ParamDoc {
  std::string meaning;
  std::string unit;
  std::string source;
};

struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;  // min itself is not allowed
};

inline Range at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false}; }
inline Range above(double lo) { return {lo, std::numeric_limits<double>::infinity(), true}; }
inline Range between(double lo, double hi) { return {lo, hi, false}; }
inline Range probability() { return {0.0, 1.0, false}; }
inline Range at_most_zero() { return {-std::numeric_limits<double>::infinity(), 0.0, false}; }

struct Param {
  std::string key;  // dotted path, e.g. "rules.min_listing_months"
  ParamKind kind = ParamKind::real;
  ParamDoc doc;
  Range range;
  std::size_t list_length = 0;       // real_list: exact length required (0 = any, >= 1)
  std::vector<std::string> choices;  // choice: allowed values
  std::string default_text;          // rendered default, for docs and `valinta show`
  bool auto_allowed = false;         // `auto` selects a value computed by the model

  double* real = nullptr;
  std::int64_t* integer = nullptr;
  bool* boolean = nullptr;
  std::string* text = nullptr;  // choice, date, text
  std::vector<double>* real_list = nullptr;
  std::vector<std::string>* text_list = nullptr;

  // The current value of the bound field, rendered as YAML flow text.
  std::string value_text() const;
};

class ParamRegistry {
 public:
  // Each call binds `target` to `key`, sets it to its default and records the declaration.
  Param& real(const std::string& key, double& target, double value, Range range, ParamDoc doc);
  // A real whose default is `auto` (a value the model computes), stored as -1.
  Param& real_or_auto(const std::string& key, double& target, Range range, ParamDoc doc);
  void integer(const std::string& key, std::int64_t& target, std::int64_t value, Range range, ParamDoc doc);
  void boolean(const std::string& key, bool& target, bool value, ParamDoc doc);
  void choice(const std::string& key, std::string& target, std::string value,
              std::vector<std::string> choices, ParamDoc doc);
  void date(const std::string& key, std::string& target, std::string value, ParamDoc doc);
  void text(const std::string& key, std::string& target, std::string value, ParamDoc doc);
  void real_list(const std::string& key, std::vector<double>& target, std::vector<double> value,
                 std::size_t length, Range range, ParamDoc doc);
  void text_list(const std::string& key, std::vector<std::string>& target, std::vector<std::string> value,
                 ParamDoc doc);

  const std::vector<Param>& params() const { return params_; }
  const Param* find(const std::string& key) const;

 private:
  Param& add(const std::string& key, ParamKind kind, ParamDoc doc);
  std::vector<Param> params_;
};

// Sets every field that `declare` declares on `target` to its declared default: a struct's default
// constructor, so that the declaration states each default once. The registry, with its
// pointers into `target`, lives only during the call.
template <class T>
void set_declared_defaults(T& target, void (*declare)(ParamRegistry&, T&)) {
  ParamRegistry registry;
  declare(registry, target);
}

// ISO date helpers (proleptic Gregorian): days since 1970-01-01, and back.
bool parse_iso_date(const std::string& text, std::int64_t& days);
// The dates parse_iso_date accepts, for messages and the reference.
inline constexpr const char* kDateRange = "from 1900-01-01 to 2200-12-31";
std::string format_iso_date(std::int64_t days);

}  // namespace valinta
