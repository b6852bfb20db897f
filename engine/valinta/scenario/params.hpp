#pragma once
// Parameter declarations: every scenario parameter is declared once, next to the module that
// uses it, with its meaning, unit, default, allowed range and source. The same declarations
// drive parsing, validation, `valinta show` and the scenario reference.
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
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
  std::vector<std::string> choices;  // choice: the names of the allowed values
  std::string default_text;          // rendered default, for docs and `valinta show`
  bool auto_allowed = false;         // `auto` selects a value computed by the model

  double* real = nullptr;
  std::int64_t* integer = nullptr;
  bool* boolean = nullptr;
  std::string* text = nullptr;  // date, text
  // choice: the bound enum, read as its name and set to the value named choices[k]
  std::function<std::string_view()> choice_name;
  std::function<void(std::size_t k)> set_choice;
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
  // A choice among an enum's values, named by `names` (names[v] is the YAML name of value v):
  // the scenario's text is resolved to the enum when it is read. `allowed` lists the values a
  // scenario may give (all of them when omitted).
  template <class E, std::size_t N>
  void choice(const std::string& key, E& target, E value, const std::array<std::string_view, N>& names,
              ParamDoc doc) {
    std::vector<E> all;
    for (std::size_t v = 0; v < N; ++v) all.push_back(static_cast<E>(v));
    choice(key, target, value, names, std::move(all), std::move(doc));
  }
  template <class E, std::size_t N>
  void choice(const std::string& key, E& target, E value, const std::array<std::string_view, N>& names,
              std::vector<E> allowed, ParamDoc doc) {
    const std::array<std::string_view, N>* table = &names;  // names have static storage
    std::vector<std::string> choices;
    for (const E v : allowed) choices.emplace_back((*table)[static_cast<std::size_t>(v)]);
    target = value;
    add_choice(
        key, std::move(choices), std::move(doc),
        [&target, table] { return (*table)[static_cast<std::size_t>(target)]; },
        [&target, allowed = std::move(allowed)](std::size_t k) { target = allowed[k]; });
  }
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
  void add_choice(const std::string& key, std::vector<std::string> choices, ParamDoc doc,
                  std::function<std::string_view()> name, std::function<void(std::size_t)> set);
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
