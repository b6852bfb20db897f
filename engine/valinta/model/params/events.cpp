#include "valinta/model/params/events.hpp"

namespace valinta {

EventSpec::EventSpec() { set_declared_defaults(*this, declare_event_fields); }

void declare_event_fields(ParamRegistry& r, EventSpec& e) {
  r.date("date", e.date, "", {"day the event happens (it applies from the step containing it)", "date", ""});
  r.choice("type", e.type, EventType::rule_change, kEventTypeNames,
           {"what happens", "", "design value (docs/ODD.md 7.9)"});
  r.text("producer", e.producer, "",
         {"producer concerned (open, close, capacity_shock, stop_listing)", "", ""});
  r.text("sector", e.sector, "", {"capacity_shock: every producer of this sector instead of one", "", ""});
  r.text_list("zones", e.zones, {},
              {"campaign or demand_shock: zones concerned (empty: all)", "zone names", ""});
  r.real("factor", e.factor, 1.0, at_least(0), {"capacity_shock, demand_shock: multiplier", "", ""});
  r.real("weeks", e.weeks, 0, at_least(0), {"demand_shock: how long it lasts (0: for good)", "weeks", ""});
  r.real("share", e.share, 0.1, probability(),
         {"campaign: extra share of eligible residents who review their producer", "share", ""});
}

}  // namespace valinta
