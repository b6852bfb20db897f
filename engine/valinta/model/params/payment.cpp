#include "valinta/model/params/payment.hpp"

namespace valinta {

void declare_payment_params(ParamRegistry& r, PaymentParams& p) {
  r.real("rules.capitation_eur_per_year", p.capitation_eur_per_year, 230, at_least(0),
         {"capitation per listed resident (of mean risk) per year", "EUR/year",
          "THL 2018 illustrative capitation EUR 101-194/year (docs/facts.md, Law: freedom-of-choice bills), "
          "raised to cover the visit and fixed costs of the default producers"});
  r.boolean("rules.risk_adjustment", p.risk_adjustment, true,
            {"weight capitation by each resident's risk (age, sex, need, socio-economic)", "",
             "HE 16/2018 need factors (docs/facts.md, Law: freedom-of-choice bills)"});
  r.real("rules.fee_for_service_eur", p.fee_for_service_eur, 0, at_least(0),
         {"organiser's payment per served visit", "EUR/visit", "pilots: capitation-based pay"});
  r.real("rules.client_fee_doctor_eur", p.client_fee_doctor_eur, 20.90, at_least(0),
         {"client fee of a doctor visit, paid by the resident", "EUR",
          "2017-2019 (docs/facts.md, Law: client fees)"});
  r.real("rules.client_fee_nurse_eur", p.client_fee_nurse_eur, 11.40, at_least(0),
         {"client fee of a nurse visit, paid by the resident", "EUR",
          "until 6/2021 (docs/facts.md, Law: client fees)"});
  r.real_list("payment.risk_weight_age", p.risk_weight_age, {1.0, 0.6, 0.6, 0.7, 1.0, 1.5, 2.2, 3.0},
              kAgeBands, at_least(0),
              {"capitation risk weight by age band", "",
               "illustrative; THL 2018 examples: EUR 101 (38-year-old) vs 194 (68-year-old) (docs/facts.md, "
               "Law: freedom-of-choice bills)"});
  r.real_list("payment.risk_weight_sex", p.risk_weight_sex, {1.0, 1.05}, 2, at_least(0),
              {"capitation risk weight for men, women", "", "illustrative (HE 16/2018 need factor sex)"});
  r.real_list(
      "payment.risk_weight_need", p.risk_weight_need, {0.7, 1.0, 1.8, 3.5}, kNeedLevels, at_least(0),
      {"capitation risk weight by need level (morbidity)", "", "illustrative (HE 16/2018 morbidity)"});
  r.real("payment.risk_weight_low_income", p.risk_weight_low_income, 1.1, at_least(0),
         {"capitation risk weight for income deciles 1-3 (socio-economic factor)", "",
          "illustrative (HE 16/2018 socio-economic factors)"});
  r.boolean("rules.fees_by_sector", p.fees_by_sector, false,
            {"client fees differ by sector (the lists below); otherwise the same fee everywhere", "",
             "pilots and HE 16/2018: same client fees everywhere (docs/facts.md, Pilots: common rules)"});
  r.real_list("rules.client_fee_doctor_eur_by_sector", p.client_fee_doctor_eur_by_sector,
              {20.90, 20.90, 20.90}, 3, at_least(0),
              {"client fee of a doctor visit: public, private, third sector (if fees_by_sector)", "EUR", ""});
  r.real_list("rules.client_fee_nurse_eur_by_sector", p.client_fee_nurse_eur_by_sector, {11.40, 11.40, 11.40},
              3, at_least(0),
              {"client fee of a nurse visit: public, private, third sector (if fees_by_sector)", "EUR", ""});
  r.real(
      "rules.performance_pay_share", p.performance_pay_share, 0, probability(),
      {"share of the capitation budget paid instead as performance pay to producers whose share of visits "
       "within the care guarantee reaches rules.performance_target (by list size)",
       "share",
       "Sweden: a few per cent performance pay (docs/facts.md, Elsewhere: Sweden); HE 16/2018 incentives"});
  r.real("rules.performance_target", p.performance_target, 0.9, probability(),
         {"share of visits within the care guarantee that earns performance pay", "share", "assumption"});
  r.choice("rules.voucher_services", p.voucher_services, VoucherServices::none, kVoucherServicesNames,
           {"visits at private and third-sector producers paid by service voucher instead of fees", "",
            "Service Voucher Act pilots (docs/facts.md, Pilots: the 2017-2019 programme)"});
  r.real("rules.voucher_value_eur", p.voucher_value_eur, 0, at_least(0),
         {"organiser's payment per voucher visit", "EUR/visit", "assumption"});
  r.real("rules.voucher_copayment_eur", p.voucher_copayment_eur, 0, at_least(0),
         {"resident's co-payment of a voucher visit (instead of the client fee)", "EUR/visit", "assumption"});
  r.real(
      "payment.heavy_service_eur_per_week", p.heavy_service_eur_per_week, 250, at_least(0),
      {"organiser's cost of heavy social and health services per heavy-level resident", "EUR/week",
       "illustrative; the top 10 % of residents account for 68-81 % of costs (docs/facts.md, Use: costs)"});
}

}  // namespace valinta
