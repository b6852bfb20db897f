#pragma once
// Small shared vocabulary of the model: sectors, age bands, need levels, switch reasons.
#include <array>
#include <cstdint>
#include <string_view>

namespace valinta {

inline constexpr int kNeedLevels = 4;  // 0 well, 1 light, 2 basic, 3 heavy (docs/ODD.md 7.1)
inline constexpr int kAdultAge = 18;   // residents younger than this are minors
inline constexpr int kAgeBands = 8;    // 0-6, 7-17, 18-24, 25-44, 45-64, 65-74, 75-84, 85+
inline constexpr int kIncomeDeciles = 10;
inline constexpr std::array<int, kAgeBands + 1> kAgeBandStart = {0, 7, 18, 25, 45, 65, 75, 85, 100};
inline constexpr std::array<std::string_view, kAgeBands> kAgeBandNames = {"0-6",   "7-17",  "18-24", "25-44",
                                                                          "45-64", "65-74", "75-84", "85+"};
inline constexpr std::array<std::string_view, kNeedLevels> kNeedLevelNames = {"well", "light", "basic",
                                                                              "heavy"};

// The age band of an age in years (a table: this sits in every resident loop).
inline constexpr std::array<std::uint8_t, 256> kAgeBandOfAge = [] {
  std::array<std::uint8_t, 256> table{};
  for (int age = 0; age < 256; ++age) {
    int band = 0;
    while (band + 1 < kAgeBands && age >= kAgeBandStart[band + 1]) ++band;
    table[age] = static_cast<std::uint8_t>(band);
  }
  return table;
}();
inline int age_band_of(int age) {
  return kAgeBandOfAge[static_cast<std::uint8_t>(age < 0 ? 0 : age > 255 ? 255 : age)];
}

enum class Sector : std::uint8_t { public_sector = 0, private_sector = 1, third_sector = 2 };
inline constexpr int kSectors = 3;
inline constexpr std::array<std::string_view, kSectors> kSectorNames = {"public", "private", "third_sector"};

// Why a resident switched producer (docs/ODD.md 7.5.7: every switch records its reason).
enum class SwitchReason : std::uint8_t {
  review = 0,           // routine review or the awareness wave at pilot start
  dissatisfaction = 1,  // review triggered by poor experience
  closure = 2,          // the listed producer closed
  entry_nudge = 3,      // a new producer opened nearby
  campaign = 4,         // an information campaign
  assignment = 5,       // default assignment to the nearest producer (opt-out rules)
  poor_access = 6,      // review triggered by the resident's own unmet contact (a long wait or emergency)
  neighbours = 7,       // review prompted by neighbours who switched (word of mouth in the zone)
  household = 8,        // a minor listed where their guardian chose
};
inline constexpr int kSwitchReasons = 9;
inline constexpr std::array<std::string_view, kSwitchReasons> kSwitchReasonNames = {
    "review",     "dissatisfaction", "closure",    "entry_nudge", "campaign",
    "assignment", "poor_access",     "neighbours", "household"};
// Reasons of a resident's own choice (not forced by a closure, assigned by the rules or made for
// them by their guardian).
inline constexpr bool own_choice(SwitchReason r) {
  return r != SwitchReason::closure && r != SwitchReason::assignment && r != SwitchReason::household;
}

// Where a contact that does not join its producer's queue goes (M2: demand that responds to waits).
enum class Elsewhere : std::uint8_t { occupational = 0, self_pay = 1, self_care = 2 };
inline constexpr int kElsewhereKinds = 3;
inline constexpr std::array<std::string_view, kElsewhereKinds> kElsewhereNames = {"occupational", "self_pay",
                                                                                  "self_care"};

// Kinds of money flow in the books (docs/ODD.md 7.6).
enum class PaymentKind : std::uint8_t {
  capitation = 0,          // organiser -> producer
  fee_for_service = 1,     // organiser -> producer
  client_fee = 2,          // resident -> producer
  referral_organiser = 3,  // organiser -> specialised care
  referral_producer = 4,   // producer -> specialised care (referral-cost sharing)
  emergency = 5,           // organiser -> emergency care
  heavy_service = 6,       // organiser -> heavy (social and health) services
  performance = 7,         // organiser -> producer, performance pay by indicator
  voucher = 8,             // organiser -> producer, service vouchers
  temporary_capacity = 9,  // organiser -> public station, temporary capacity after a breach (M10)
};
inline constexpr int kPaymentKinds = 10;
inline constexpr std::array<std::string_view, kPaymentKinds> kPaymentKindNames = {
    "capitation",    "fee_for_service", "client_fee", "referral_organiser", "referral_producer", "emergency",
    "heavy_service", "performance",     "voucher",    "temporary_capacity"};

// Producer life-cycle events recorded per step (docs/ODD.md 7.7).
enum class ProducerEvent : std::uint8_t { none = 0, opened = 1, entered = 2, closed = 3, exited = 4 };
inline constexpr std::array<std::string_view, 5> kProducerEventNames = {"none", "opened", "entered", "closed",
                                                                        "exited"};

}  // namespace valinta
