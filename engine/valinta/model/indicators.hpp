#pragma once
// The indicators of M9: every series the record phase writes, declared once here with its
// dimensions, kind, unit and meaning. The recorder takes a row by the indicator's name and the
// rest from this declaration; the results file's `units` and `long_name` come from it, and
// docs/output-format.md is checked against it (tests/output/indicator_catalogue_test.cpp).
// Names follow docs/ODD.md section 9: n_ stocks, new_ flows per step, cum_ cumulative totals.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace valinta {

struct Indicator {
  enum class Kind { count, real };  // integer counts, or real numbers (NaN where undefined)
  std::string name;
  std::vector<std::string> dims;  // after the leading "step" dimension
  Kind kind = Kind::real;
  std::string units;
  std::string meaning;  // the results file's long_name
};

// Every indicator, in the order the record phase writes them.
const std::vector<Indicator>& indicators();

// The labels of a dimension whose labels every run has (sector, sector_from, sector_to, age_band,
// switch_reason, elsewhere, need_from, need_to, payment_kind, visit_kind, income_decile as "1".."10"),
// in the order of the results file's axes; none for producer and zone, which depend on the scenario.
std::optional<std::vector<std::string>> dimension_labels(std::string_view dim);
// The declaration of the indicator `name`; a name that is not declared throws std::logic_error
// naming it (a typo fails the first test that records or reads it, not silently).
const Indicator& indicator(std::string_view name);

}  // namespace valinta
