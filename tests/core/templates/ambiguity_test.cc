#include "bridge/core/templates/template_ambiguity.h"

#include "bridge/core/templates/template_set.h"
#include "gtest/gtest.h"
#include "tests/core/templates/test_support.h"

namespace pipebridge::core::templates {
namespace {

bool HasPair(const TemplateSet& set, const std::string& a, const std::string& b) {
  for (const auto& w : set.ambiguities()) {
    if ((w.template_a == a && w.template_b == b) || (w.template_a == b && w.template_b == a)) return true;
  }
  return false;
}

TEST(Ambiguity, DemoConfigReportsTheOverlappingNotesTemplates) {
  auto set = testing::LoadDemo();
  ASSERT_TRUE(HasPair(*set, "shot_notes", "shot_notes_by_user"));
  for (const auto& w : set->ambiguities()) {
    if (w.template_a != "shot_notes") continue;
    ASSERT_FALSE(w.example_path.empty());
    // The example really parses with both.
    EXPECT_TRUE(set->Parse("shot_notes", w.example_path).ok()) << w.example_path;
    EXPECT_TRUE(set->Parse("shot_notes_by_user", w.example_path).ok()) << w.example_path;
  }
  // Distinct static text, choices and folder depth keep the others apart.
  EXPECT_FALSE(HasPair(*set, "maya_shot_work", "maya_shot_publish"));
  EXPECT_FALSE(HasPair(*set, "shot_alembic_cache", "shot_alembic_cache_lod"));
  EXPECT_FALSE(HasPair(*set, "maya_shot_work", "nuke_shot_work"));
  EXPECT_FALSE(HasPair(*set, "shot_work_area_maya", "shot_work_area_nuke"));
  // Path and string templates are never compared with each other.
  EXPECT_FALSE(HasPair(*set, "publish_name", "shot_root"));
  size_t path_pairs = 0;
  for (const auto& w : set->ambiguities()) {
    path_pairs += set->Find(w.template_a)->kind() == TemplateKind::kPath;
  }
  EXPECT_EQ(path_pairs, 1u);
}

TEST(Ambiguity, ChoicesAgainstStaticText) {
  auto set = testing::LoadText(R"(
keys:
  Step: {type: str, choices: [comp, anim]}
  version: {type: int, format_spec: "03"}
  name: {type: str, filter_by: alpha}
paths:
  by_step: "x/{Step}.ma"
  light: "x/light.ma"
  comp: "x/comp.ma"
  versioned: "y/v{version}.ma"
  named: "y/v{name}.ma"
)",
                              [] {
                                TemplatesLoadOptions o;
                                o.roots = {{"primary", "/mnt/p"}};
                                return o;
                              }());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(HasPair(**set, "by_step", "comp"));
  EXPECT_FALSE(HasPair(**set, "by_step", "light"));
  EXPECT_FALSE(HasPair(**set, "versioned", "named"));  // digits vs letters
  bool found = false;
  for (const auto& w : (*set)->ambiguities()) {
    if (w.template_a == "by_step" || w.template_b == "by_step") {
      EXPECT_EQ(w.example_path, "/mnt/p/x/comp.ma");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(Ambiguity, CanBeSwitchedOff) {
  auto options = testing::DemoRoots();
  options.detect_ambiguities = false;
  auto set = LoadTemplatesYaml(testing::DemoConfigPath(), options);
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE((*set)->ambiguities().empty());
}

}  // namespace
}  // namespace pipebridge::core::templates
