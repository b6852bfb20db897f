#include "valinta/scenario/params.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace valinta {

namespace {
std::string number_text(double v) {
  std::string s = fmt::format("{}", v);
  return s;
}
}  // namespace

std::string Param::value_text() const {
  switch (kind) {
    case ParamKind::real:
      return auto_allowed && *real < 0 ? "auto" : number_text(*real);
    case ParamKind::integer:
      return fmt::format("{}", *integer);
    case ParamKind::boolean:
      return *boolean ? "true" : "false";
    case ParamKind::choice:
      return std::string(choice_name());
    case ParamKind::date:
      return *text;
    case ParamKind::text:
      return fmt::format("\"{}\"", *text);
    case ParamKind::real_list: {
      std::string s = "[";
      for (std::size_t i = 0; i < real_list->size(); ++i) s += (i ? ", " : "") + number_text((*real_list)[i]);
      return s + "]";
    }
    case ParamKind::text_list: {
      std::string s = "[";
      for (std::size_t i = 0; i < text_list->size(); ++i) s += (i ? ", " : "") + (*text_list)[i];
      return s + "]";
    }
  }
  return {};
}

Param& ParamRegistry::add(const std::string& key, ParamKind kind, ParamDoc doc) {
  if (find(key) != nullptr) throw std::logic_error("parameter declared twice: " + key);
  Param p;
  p.key = key;
  p.kind = kind;
  p.doc = std::move(doc);
  params_.push_back(std::move(p));
  return params_.back();
}

Param& ParamRegistry::real(const std::string& key, double& target, double value, Range range, ParamDoc doc) {
  Param& p = add(key, ParamKind::real, std::move(doc));
  target = value;
  p.real = &target;
  p.range = range;
  p.default_text = p.value_text();
  return p;
}

Param& ParamRegistry::real_or_auto(const std::string& key, double& target, Range range, ParamDoc doc) {
  Param& p = real(key, target, -1.0, range, std::move(doc));
  p.auto_allowed = true;
  p.default_text = p.value_text();
  return p;
}

void ParamRegistry::integer(const std::string& key, std::int64_t& target, std::int64_t value, Range range,
                            ParamDoc doc) {
  Param& p = add(key, ParamKind::integer, std::move(doc));
  target = value;
  p.integer = &target;
  p.range = range;
  p.default_text = p.value_text();
}

void ParamRegistry::boolean(const std::string& key, bool& target, bool value, ParamDoc doc) {
  Param& p = add(key, ParamKind::boolean, std::move(doc));
  target = value;
  p.boolean = &target;
  p.default_text = p.value_text();
}

void ParamRegistry::add_choice(const std::string& key, std::vector<std::string> choices, ParamDoc doc,
                               std::function<std::string_view()> name, std::function<void(std::size_t)> set) {
  Param& p = add(key, ParamKind::choice, std::move(doc));
  p.choice_name = std::move(name);
  p.set_choice = std::move(set);
  p.choices = std::move(choices);
  p.default_text = p.value_text();
}

void ParamRegistry::date(const std::string& key, std::string& target, std::string value, ParamDoc doc) {
  Param& p = add(key, ParamKind::date, std::move(doc));
  target = std::move(value);
  p.text = &target;
  p.default_text = p.value_text();
}

void ParamRegistry::text(const std::string& key, std::string& target, std::string value, ParamDoc doc) {
  Param& p = add(key, ParamKind::text, std::move(doc));
  target = std::move(value);
  p.text = &target;
  p.default_text = p.value_text();
}

void ParamRegistry::real_list(const std::string& key, std::vector<double>& target, std::vector<double> value,
                              std::size_t length, Range range, ParamDoc doc) {
  Param& p = add(key, ParamKind::real_list, std::move(doc));
  target = std::move(value);
  p.real_list = &target;
  p.list_length = length;
  p.range = range;
  p.default_text = p.value_text();
}

void ParamRegistry::text_list(const std::string& key, std::vector<std::string>& target,
                              std::vector<std::string> value, ParamDoc doc) {
  Param& p = add(key, ParamKind::text_list, std::move(doc));
  target = std::move(value);
  p.text_list = &target;
  p.default_text = p.value_text();
}

const Param* ParamRegistry::find(const std::string& key) const {
  for (const auto& p : params_)
    if (p.key == key) return &p;
  return nullptr;
}

// Howard Hinnant's civil-from-days algorithms.
namespace {
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
}  // namespace

bool parse_iso_date(const std::string& text, std::int64_t& days) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  auto num = [&](int from, int len, int& out) {
    auto r = std::from_chars(text.data() + from, text.data() + from + len, out);
    return r.ec == std::errc() && r.ptr == text.data() + from + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return false;
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2200 || m < 1 || m > 12) return false;
  const int month_days = kMonthDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  if (d < 1 || d > month_days) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

std::string format_iso_date(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y0 = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return fmt::format("{:04}-{:02}-{:02}", y0 + (m <= 2), m, d);
}

}  // namespace valinta
