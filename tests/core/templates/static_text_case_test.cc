// Static text and storage roots match paths ignoring case, as in Toolkit (tk-core lower-cases
// the template's static tokens and the path to place the tokens, then takes each key's value
// from the path as given). Windows studios see `P:/Projects/...` for a root configured as
// `p:/projects/...`, and folders renamed by hand in another case.
#include "bridge/core/templates/template_ambiguity.h"
#include "bridge/core/templates/template_set.h"
#include "gtest/gtest.h"
#include "tests/core/templates/test_support.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;

std::shared_ptr<const TemplateSet> LoadWindowsStudio() {
  TemplatesLoadOptions options;
  options.roots = {{"primary", "p:/projects/demo"}};
  auto set = testing::LoadText(R"(
keys:
  Shot: {type: str}
  Step: {type: str, choices: [anim, comp]}
  name: {type: str, filter_by: alphanumeric}
  version: {type: int, format_spec: "03"}
paths:
  shot_work: "Shots/{Shot}/{Step}/Work/{name}.v{version}.ma"
  shot_twice: "Shots/{Shot}/{Shot}_v{version}.nk"
)",
                               options);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

const json kFields = {{"Shot", "SH010"}, {"Step", "ANIM"}, {"name", "MainRig"}, {"version", 3}};

TEST(StaticTextCase, ParseIgnoresTheCaseOfRootAndStaticTextAndKeepsTheValuesCase) {
  auto set = LoadWindowsStudio();
  ASSERT_NE(set, nullptr);
  for (const char* path : {
           "p:/projects/demo/Shots/SH010/ANIM/Work/MainRig.v003.ma",    // as configured
           "P:/Projects/Demo/shots/SH010/ANIM/work/MainRig.V003.MA",    // Explorer's spelling
           "P:\\PROJECTS\\DEMO\\SHOTS\\SH010\\ANIM\\WORK\\MainRig.V003.MA",  // backslashes too
       }) {
    auto fields = set->Parse("shot_work", path);
    ASSERT_TRUE(fields.ok()) << path << ": " << fields.status();
    EXPECT_EQ(*fields, kFields) << path;  // the path's own case, never folded
  }
  // Case never stands in for a different character.
  EXPECT_FALSE(set->Parse("shot_work", "P:/Projects/Demo/Shot/SH010/ANIM/Work/MainRig.v003.ma").ok());
  EXPECT_FALSE(set->Parse("shot_work", "P:/Projects/Dem0/Shots/SH010/ANIM/Work/MainRig.v003.ma").ok());
}

TEST(StaticTextCase, ApplyWritesTheTemplatesOwnCase) {
  auto set = LoadWindowsStudio();
  ASSERT_NE(set, nullptr);
  auto path = set->Apply("shot_work", kFields);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, "p:/projects/demo/Shots/SH010/ANIM/Work/MainRig.v003.ma");
  EXPECT_EQ(*set->Parse("shot_work", *path), kFields);
}

TEST(StaticTextCase, MatchFindsTheTemplateWhateverTheCase) {
  auto set = LoadWindowsStudio();
  ASSERT_NE(set, nullptr);
  auto matches = set->Match("P:/PROJECTS/demo/shots/sh020/comp/WORK/plate.V012.MA");
  ASSERT_TRUE(matches.ok()) << matches.status();
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].tmpl->name(), "shot_work");
  EXPECT_EQ((*matches)[0].fields,
            (json{{"Shot", "sh020"}, {"Step", "comp"}, {"name", "plate"}, {"version", 12}}));
  // The same through an explicit template list (Template::TryParse rather than root groups).
  MatchOptions only;
  only.templates = {"shot_work"};
  auto named = set->Match("P:/PROJECTS/demo/shots/sh020/comp/WORK/plate.V012.MA", only);
  ASSERT_TRUE(named.ok());
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ((*named)[0].fields, (*matches)[0].fields);
}

TEST(StaticTextCase, ExplainAgreesWithParse) {
  auto set = LoadWindowsStudio();
  ASSERT_NE(set, nullptr);
  auto fits = set->Explain("shot_work", "P:/Projects/Demo/shots/SH010/ANIM/work/MainRig.V003.MA");
  ASSERT_TRUE(fits.ok());
  EXPECT_TRUE(fits->matches) << fits->reason;
  EXPECT_EQ(fits->fields, kFields);

  // A real difference is still found where it is, after folders that differ only in case.
  const std::string path = "P:/Projects/Demo/SHOTS/SH010/ANIM/Publish/MainRig.v003.ma";
  auto wrong = set->Explain("shot_work", path);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->matches);
  EXPECT_EQ(wrong->segment_index, 3);
  EXPECT_EQ(wrong->segment, "Publish");
  EXPECT_EQ(wrong->position, path.find("Publish"));
  EXPECT_NE(wrong->reason.find("expected \"Work/\""), std::string::npos) << wrong->reason;
  EXPECT_EQ(set->Parse("shot_work", path).status().message(), wrong->reason);

  auto outside = set->Explain("shot_work", "Q:/Projects/Demo/Shots/SH010/ANIM/Work/MainRig.v003.ma");
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(outside->segment_index, -1);
}

TEST(StaticTextCase, ARepeatedKeyMustRepeatItsValueExactly) {
  // tk-core compares a repeated key's values as given: "sh010" and "SH010" conflict.
  auto set = LoadWindowsStudio();
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(*set->Parse("shot_twice", "P:/projects/demo/shots/SH010/SH010_V001.NK"),
            (json{{"Shot", "SH010"}, {"version", 1}}));
  auto conflict = set->Explain("shot_twice", "P:/projects/demo/shots/sh010/SH010_v001.nk");
  ASSERT_TRUE(conflict.ok());
  EXPECT_FALSE(conflict->matches);
  EXPECT_EQ(conflict->key, "Shot");
  EXPECT_NE(conflict->reason.find("differs from the value found earlier"), std::string::npos) << conflict->reason;
}

TEST(StaticTextCase, TemplatesThatDifferOnlyInCaseAreReportedAmbiguous) {
  TemplatesLoadOptions options;
  options.roots = {{"primary", "/mnt/p"}};
  auto set = testing::LoadText(R"(
keys:
  Shot: {type: str}
paths:
  lower: "shots/{Shot}/work"
  upper: "Shots/{Shot}/WORK"
  other: "shots/{Shot}/publish"
)",
                               options);
  ASSERT_TRUE(set.ok()) << set.status();
  bool lower_upper = false;
  for (const AmbiguityWarning& w : (*set)->ambiguities()) {
    const bool pair = (w.template_a == "lower" && w.template_b == "upper") ||
                      (w.template_a == "upper" && w.template_b == "lower");
    lower_upper = lower_upper || pair;
    EXPECT_TRUE(pair) << w.message;  // "publish" is a different folder in any case
  }
  EXPECT_TRUE(lower_upper);
}

}  // namespace
}  // namespace pipebridge::core::templates
