// docs/scenario-reference.md is generated from the parameter declarations; it must not go stale.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "valinta/input/reference.hpp"

namespace valinta {

TEST(ScenarioReference, CommittedDocumentIsCurrent) {
  std::ifstream in(std::string(VALINTA_SOURCE_DIR) + "/docs/scenario-reference.md");
  ASSERT_TRUE(in) << "docs/scenario-reference.md is missing";
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_TRUE(committed.str() == scenario_reference_markdown())
      << "docs/scenario-reference.md is stale; regenerate it with\n"
         "  build/release/valinta reference > docs/scenario-reference.md";
}

TEST(ScenarioReference, SchemaNamesEveryParameterGroup) {
  const std::string schema = scenario_json_schema();
  for (const char* key : {"\"rules\"", "\"min_listing_months\"", "\"producers\"", "\"zones\"", "\"extends\"",
                          "\"capacity_per_week\"", "\"additionalProperties\": false"})
    EXPECT_NE(schema.find(key), std::string::npos) << key;
}

}  // namespace valinta
