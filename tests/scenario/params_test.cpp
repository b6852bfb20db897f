// Parameter declarations (scenario/params.cpp): one declaration per parameter carries its
// default, range and documentation; the date helpers; and did-you-mean (diagnostics.cpp).
#include "valinta/scenario/params.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "valinta/model/scenario.hpp"
#include "valinta/scenario/diagnostics.hpp"

namespace valinta {
namespace {

TEST(ParamRegistry, DeclaringSetsTheDefaultAndRendersIt) {
  ParamRegistry r;
  double real = 0;
  std::int64_t whole = 0;
  bool flag = false;
  DefaultAssignment choice{};
  std::string date, text;
  std::vector<double> list;
  std::vector<std::string> names;
  double automatic = 0;
  r.real("a.real", real, 0.25, probability(), {"meaning", "unit", "source"});
  r.integer("a.whole", whole, 7, between(1, 28), {"", "", ""});
  r.boolean("a.flag", flag, true, {"", "", ""});
  r.choice("a.choice", choice, DefaultAssignment::opt_in, kDefaultAssignmentNames, {"", "", ""});
  r.date("a.date", date, "2017-02-01", {"", "", ""});
  r.text("a.text", text, "hello", {"", "", ""});
  r.real_list("a.list", list, {1.5, 2.0}, 2, at_least(0), {"", "", ""});
  r.text_list("a.names", names, {"A", "B"}, {"", "", ""});
  r.real_or_auto("a.auto", automatic, at_least(0), {"", "", ""});
  EXPECT_EQ(real, 0.25);
  EXPECT_EQ(whole, 7);
  EXPECT_TRUE(flag);
  EXPECT_EQ(choice, DefaultAssignment::opt_in);
  EXPECT_EQ(list, (std::vector<double>{1.5, 2.0}));
  EXPECT_EQ(automatic, -1.0);  // auto is stored as -1: computed by the model
  EXPECT_EQ(r.find("a.real")->default_text, "0.25");
  EXPECT_EQ(r.find("a.whole")->default_text, "7");
  EXPECT_EQ(r.find("a.flag")->default_text, "true");
  EXPECT_EQ(r.find("a.choice")->default_text, "opt_in");
  EXPECT_EQ(r.find("a.date")->default_text, "2017-02-01");
  EXPECT_EQ(r.find("a.text")->default_text, "\"hello\"");
  EXPECT_EQ(r.find("a.list")->default_text, "[1.5, 2]");
  EXPECT_EQ(r.find("a.names")->default_text, "[A, B]");
  EXPECT_EQ(r.find("a.auto")->default_text, "auto");
  EXPECT_EQ(r.find("a.real")->doc.unit, "unit");
  EXPECT_EQ(r.find("a.missing"), nullptr);
  // value_text follows the bound field.
  real = 0.5;
  automatic = 12;
  choice = DefaultAssignment::nearest;
  EXPECT_EQ(r.find("a.real")->value_text(), "0.5");
  EXPECT_EQ(r.find("a.auto")->value_text(), "12");
  EXPECT_EQ(r.find("a.choice")->value_text(), "nearest");  // an enum, rendered by its name
}

TEST(ParamRegistry, DeclaringAKeyTwiceIsAProgrammingError) {
  ParamRegistry r;
  double a = 0, b = 0;
  r.real("x", a, 1, at_least(0), {"", "", ""});
  EXPECT_THROW(r.real("x", b, 2, at_least(0), {"", "", ""}), std::logic_error);
}

// Every scenario parameter is documented (meaning and source) and its default is in range.
TEST(ParamRegistry, EveryScenarioParameterIsDocumentedAndItsDefaultIsInRange) {
  Scenario s;
  ParamRegistry r;
  declare_scenario_params(r, s);
  std::set<std::string> keys;
  EXPECT_GT(r.params().size(), 80u);
  for (const Param& p : r.params()) {
    EXPECT_TRUE(keys.insert(p.key).second) << p.key;
    if (p.key != "name" && p.key != "description" && p.key != "seed") {
      EXPECT_FALSE(p.doc.meaning.empty()) << p.key;
    }
    auto in_range = [&](double v) {
      return (p.range.min_open ? v > p.range.min : v >= p.range.min) && v <= p.range.max;
    };
    if (p.kind == ParamKind::real && !(p.auto_allowed && *p.real < 0)) {
      EXPECT_TRUE(in_range(*p.real)) << p.key;
    }
    if (p.kind == ParamKind::integer) {
      EXPECT_TRUE(in_range(static_cast<double>(*p.integer))) << p.key;
    }
    if (p.kind == ParamKind::real_list) {
      if (p.list_length > 0) {
        EXPECT_EQ(p.real_list->size(), p.list_length) << p.key;
      }
      for (const double v : *p.real_list) EXPECT_TRUE(in_range(v)) << p.key;
    }
    if (p.kind == ParamKind::choice) {
      EXPECT_NE(std::find(p.choices.begin(), p.choices.end(), p.value_text()), p.choices.end()) << p.key;
    }
  }
}

// Dates are ISO YYYY-MM-DD in the proleptic Gregorian calendar, counted in days since 1970-01-01.
TEST(Dates, ParseKnownDays) {
  std::int64_t days = -1;
  ASSERT_TRUE(parse_iso_date("1970-01-01", days));
  EXPECT_EQ(days, 0);
  ASSERT_TRUE(parse_iso_date("2017-02-01", days));
  EXPECT_EQ(days, 17198);
  ASSERT_TRUE(parse_iso_date("2000-03-01", days));
  EXPECT_EQ(days, 11017);
  ASSERT_TRUE(parse_iso_date("1900-01-01", days));
  EXPECT_EQ(days, -25567);
}

TEST(Dates, LeapYears) {
  std::int64_t a = 0, b = 0;
  EXPECT_TRUE(parse_iso_date("2020-02-29", a));
  EXPECT_TRUE(parse_iso_date("2000-02-29", a));  // divisible by 400
  EXPECT_FALSE(parse_iso_date("2019-02-29", a));
  EXPECT_FALSE(parse_iso_date("2100-02-29", a));  // divisible by 100, not 400
  ASSERT_TRUE(parse_iso_date("2020-02-28", a));
  ASSERT_TRUE(parse_iso_date("2020-03-01", b));
  EXPECT_EQ(b - a, 2);
}

TEST(Dates, RejectMalformedText) {
  std::int64_t days = 0;
  for (const char* bad :
       {"2017-02-30", "2017-04-31", "2017-13-01", "2017-00-10", "2017-01-00", "2017-2-1", "2017/02/01",
        "17-02-01", "2017-02-01x", " 2017-02-01", "2017-02-+1", "", "yesterday", "1899-12-31", "2201-01-01"})
    EXPECT_FALSE(parse_iso_date(bad, days)) << "'" << bad << "'";
}

TEST(Dates, FormatIsTheInverseOfParse) {
  for (std::int64_t day = -25567; day < 60000; day += 17) {
    const std::string text = format_iso_date(day);
    std::int64_t back = 0;
    ASSERT_TRUE(parse_iso_date(text, back)) << text;
    ASSERT_EQ(back, day) << text;
  }
  EXPECT_EQ(format_iso_date(17198), "2017-02-01");
  EXPECT_EQ(format_iso_date(17198 + 365 + 28), "2018-03-01");
}

// did-you-mean offers the nearest name by edit distance, and nothing when nothing is close.
TEST(DidYouMean, SuggestsCloseNamesOnly) {
  const std::vector<std::string> names = {"b_wait", "b_travel", "b_quality", "inertia"};
  EXPECT_EQ(did_you_mean("b_wiat", names), "b_wait");
  EXPECT_EQ(did_you_mean("b_travle", names), "b_travel");
  EXPECT_EQ(did_you_mean("inertai", names), "inertia");
  EXPECT_EQ(did_you_mean("population", names), "");
  EXPECT_EQ(did_you_mean("b_wait", {}), "");
}

TEST(Diagnostics, FormatFileLineColumnKeyMessageAndCount) {
  Diagnostics d;
  d.error("x.yaml", 14, 7, "rules.min_listing_months", "must be >= 0 (got '-3')");
  d.error("x.yaml", 0, 0, "", "cannot be read");
  EXPECT_EQ(d.list()[0].format(), "x.yaml:14:7: error: rules.min_listing_months: must be >= 0 (got '-3')");
  EXPECT_EQ(d.list()[1].format(), "x.yaml: error: cannot be read");
  EXPECT_EQ(d.format(),
            "x.yaml:14:7: error: rules.min_listing_months: must be >= 0 (got '-3')\nx.yaml: error: cannot be "
            "read\n2 errors");
  Diagnostics one;
  one.error("y.yaml", 1, 1, "k", "m");
  EXPECT_EQ(one.format().substr(one.format().size() - 7), "1 error");
}

}  // namespace
}  // namespace valinta
