#include "bridge/core/templates/templates_yaml_loader.h"

#include "gtest/gtest.h"
#include "tests/core/templates/test_support.h"

namespace pipebridge::core::templates {
namespace {

using testing::DemoRoots;
using testing::LoadText;
using testing::ScratchDir;

const char* kKeys = R"(
keys:
  Shot: {type: str}
  version: {type: int, format_spec: "03"}
)";

void ExpectInvalid(const absl::StatusOr<std::shared_ptr<const TemplateSet>>& loaded,
                   const std::vector<std::string>& fragments) {
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument) << loaded.status();
  for (const auto& f : fragments) {
    EXPECT_NE(loaded.status().message().find(f), std::string::npos)
        << "missing '" << f << "' in: " << loaded.status().message();
  }
  // No absolute path of this machine (the scratch folder) may leak into the message.
  EXPECT_EQ(loaded.status().message().find("/tmp"), std::string::npos) << loaded.status().message();
}

TEST(LoaderErrors, MissingMainFileIsNotFound) {
  auto loaded = LoadTemplatesYaml("/nonexistent/templates.yml", DemoRoots());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
}

TEST(LoaderErrors, YamlSyntaxErrorNamesFileAndLine) {
  ExpectInvalid(LoadText("keys:\n  Shot: {type: str\n"), {"templates.yml:", "YAML syntax error"});
}

TEST(LoaderErrors, UnknownKeyInDefinition) {
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  shot_work: shots/{Sht}/v{version}.ma\n"),
                {"templates.yml", "paths.shot_work", "{Sht}"});
}

TEST(LoaderErrors, BadFormatSpecNamesKey) {
  ExpectInvalid(LoadText("keys:\n  version: {type: int, format_spec: 'x3'}\n"),
                {"templates.yml", "keys.version", "format_spec", "x3"});
}

TEST(LoaderErrors, UnknownTypeAndUnknownSetting) {
  ExpectInvalid(LoadText("keys:\n  Shot: {type: string}\n"), {"keys.Shot", "type 'string'"});
  ExpectInvalid(LoadText("keys:\n  Shot: {type: str, fromat_spec: '03'}\n"), {"keys.Shot", "fromat_spec"});
  ExpectInvalid(LoadText("keys:\n  Shot: {filter_by: alpha}\n"), {"keys.Shot", "no type"});
}

TEST(LoaderErrors, IncludeCycleIsReported) {
  ScratchDir dir;
  const std::string main = dir.Write("templates.yml", "include: a.yml\n" + std::string(kKeys));
  dir.Write("a.yml", "include: sub/b.yml\n");
  dir.Write("sub/b.yml", "include: ../templates.yml\n");
  ExpectInvalid(LoadTemplatesYaml(main, DemoRoots()),
                {"include cycle", "templates.yml -> a.yml -> sub/b.yml -> templates.yml"});
}

TEST(LoaderErrors, UnknownIncludeIsReported) {
  ScratchDir dir;
  const std::string main = dir.Write("templates.yml", "includes: [missing.yml]\n");
  ExpectInvalid(LoadTemplatesYaml(main, DemoRoots()), {"templates.yml", "include 'missing.yml' not found"});
}

TEST(LoaderErrors, ErrorsInIncludedFilesNameThatFile) {
  ScratchDir dir;
  const std::string main = dir.Write("templates.yml", "include: inc/keys.yml\n");
  dir.Write("inc/keys.yml", "keys:\n  version: {type: int, strict_matching: true}\n");
  ExpectInvalid(LoadTemplatesYaml(main, DemoRoots()), {"inc/keys.yml", "keys.version", "strict_matching"});
}

TEST(LoaderErrors, UnknownReferenceAndReferenceCycle) {
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: '@nope/{Shot}'\n"), {"'a'", "@nope"});
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: '@b/{Shot}'\n  b: '@a/x'\n"), {"->"});
}

TEST(LoaderErrors, UnknownRootAndMissingDefaultRoot) {
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: {definition: 'x/{Shot}', root_name: tertiary}\n"),
                {"paths.a", "root 'tertiary'", "primary, secondary"});
  TemplatesLoadOptions two;
  two.roots = {{"left", "/a"}, {"right", "/b"}};
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: 'x/{Shot}'\n", two), {"paths.a", "root 'primary'"});
}

TEST(LoaderErrors, RelativeRootIsRejected) {
  TemplatesLoadOptions bad;
  bad.roots = {{"primary", "relative/path"}};
  ExpectInvalid(LoadText(kKeys, bad), {"root 'primary'", "absolute"});
}

TEST(LoaderErrors, MalformedDefinitions) {
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: 'x/[static]/{Shot}'\n"), {"paths.a", "optional section"});
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: 'x/{Shot'\n"), {"paths.a", "not closed"});
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: '/abs/{Shot}'\n"), {"paths.a", "relative"});
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: {root_name: primary}\n"), {"paths.a", "definition"});
}

TEST(LoaderErrors, NameClashesAndBadAliases) {
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: 'x/{Shot}'\nstrings:\n  a: '{Shot}'\n"),
                {"strings.a", "path template"});
  ExpectInvalid(LoadText(std::string(kKeys) + "paths:\n  a: 'x/{Shot}'\naliases:\n  b: nothing\n"),
                {"aliases.b", "'nothing'"});
}

TEST(Loader, IncludedEntriesAreOverriddenByTheIncludingFile) {
  ScratchDir dir;
  const std::string main = dir.Write("templates.yml",
                                     "include: inc.yml\nkeys:\n  Shot: {type: str}\npaths:\n  a: 'main/{Shot}'\n");
  dir.Write("inc.yml", "keys:\n  Shot: {type: int}\npaths:\n  a: 'included/{Shot}'\n  b: 'inc/{Shot}'\n");
  auto loaded = LoadTemplatesYaml(main, DemoRoots());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->Find("a")->definition(), "main/{Shot}");
  EXPECT_NE((*loaded)->Find("b"), nullptr);
  EXPECT_EQ((*loaded)->FindKey("Shot")->type(), KeyType::kString);
}

TEST(Loader, UnknownSectionIsAWarning) {
  auto loaded = LoadText(std::string(kKeys) + "frobnicate: {}\n");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ((*loaded)->warnings().size(), 1u);
  EXPECT_NE((*loaded)->warnings()[0].find("frobnicate"), std::string::npos);
}

TEST(Loader, DemoConfigShape) {
  auto set = testing::LoadDemo();
  ASSERT_NE(set, nullptr);
  EXPECT_GE(set->List().size(), 60u);
  const Template* render = set->Find("maya_shot_render");
  ASSERT_NE(render, nullptr);
  EXPECT_EQ(render->root_name(), "secondary");
  EXPECT_EQ(render->variants().size(), 2u);  // [{eye}/] in or out
  const Template* work = set->Find("maya_shot_work");
  EXPECT_EQ(work->root_name(), "primary");
  EXPECT_EQ(work->definition(), "sequences/{Sequence}/{Shot}/{Step}/work/maya/{Shot}_{name}_v{version}.{maya_extension}");
  EXPECT_EQ(set->Find("shot_archive")->definition(), "sequences/{Sequence}/{Shot}/{Step}/@archive/{Shot}_{name}_i{iteration}.tar");
  EXPECT_EQ(set->Find("maya_shot_workfile"), work);  // aliases section
  EXPECT_EQ(set->Find("asset_version_name")->kind(), TemplateKind::kString);  // from an included file
  EXPECT_EQ(set->FindKey("version_four")->name(), "version");
  EXPECT_EQ(set->FindKey("Step")->settings().choices.size(), 8u);
  EXPECT_EQ(set->FindKey("Step")->settings().choices[0].second, "Animation");
}

}  // namespace
}  // namespace pipebridge::core::templates
