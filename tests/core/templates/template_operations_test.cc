#include "bridge/core/templates/template_set.h"

#include "gtest/gtest.h"
#include "tests/core/templates/test_support.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;
using testing::LoadDemo;

const json kShotWork = {{"Sequence", "sq010"}, {"Shot", "sh010"}, {"Step", "anim"}, {"name", "main"}, {"version", 3}};
const char* kShotWorkPath = "/mnt/projects/demo/sequences/sq010/sh010/anim/work/maya/sh010_main_v003.ma";

TEST(Apply, FillsKeysDefaultsAndRoot) {
  auto set = LoadDemo();
  auto path = set->Apply("maya_shot_work", kShotWork);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, kShotWorkPath);  // maya_extension from its default "ma"
  json mb = kShotWork;
  mb["maya_extension"] = "mb";
  EXPECT_EQ(*set->Apply("maya_shot_work", mb),
            "/mnt/projects/demo/sequences/sq010/sh010/anim/work/maya/sh010_main_v003.mb");
  json render = kShotWork;
  render["SEQ"] = "FORMAT: %d";
  EXPECT_EQ(*set->Apply("houdini_shot_render", render),
            "/mnt/renders/demo/sequences/sq010/sh010/anim/houdini/main/v003/sh010_main_v003.%04d.exr");
}

TEST(Apply, MissingRequiredKeyIsNamed) {
  auto set = LoadDemo();
  json fields = kShotWork;
  fields.erase("Shot");
  fields["version"] = nullptr;  // null counts as missing
  auto path = set->Apply("maya_shot_work", fields);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(path.status().message().find("needs field 'Shot'"), std::string::npos) << path.status();
  EXPECT_NE(path.status().message().find("'version'"), std::string::npos) << path.status();
}

TEST(Apply, InvalidValueAndPathSeparatorAreNamed) {
  auto set = LoadDemo();
  json fields = kShotWork;
  fields["Step"] = "cooking";
  auto path = set->Apply("maya_shot_work", fields);
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.status().message().find("field 'Step'"), std::string::npos) << path.status();
  EXPECT_NE(path.status().message().find("choices"), std::string::npos) << path.status();

  auto log = set->Apply("shot_render_log", json{{"Sequence", "a"}, {"Shot", "b"}, {"Step", "fx"},
                                               {"name", "x"}, {"render_time", "2024-01-02T03:04:05"}});
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(*log, "/mnt/projects/demo/sequences/a/b/fx/work/logs/20240102-030405_x.log");
  EXPECT_FALSE(set->Apply("maya_shot_work", json::array()).ok());
}

TEST(Apply, OptionalSectionsFollowTheFields) {
  auto set = LoadDemo();
  json fields = kShotWork;
  fields["SEQ"] = 1001;
  // eye is abstract with default %V, so the [{eye}/] section is kept (as Toolkit does).
  EXPECT_EQ(*set->Apply("maya_shot_render", fields),
            "/mnt/renders/demo/sequences/sq010/sh010/anim/maya/main/v003/%V/sh010_main_v003.1001.exr");
  fields["eye"] = "left";
  EXPECT_EQ(*set->Apply("maya_shot_render", fields),
            "/mnt/renders/demo/sequences/sq010/sh010/anim/maya/main/v003/left/sh010_main_v003.1001.exr");
  // A section whose key has no value and no default is skipped.
  auto set2 = testing::LoadText(R"(
keys:
  Shot: {type: str}
  name: {type: str, filter_by: alphanumeric}
paths:
  f: "shots/{Shot}/file[_{name}].ma"
)");
  ASSERT_TRUE(set2.ok()) << set2.status();
  EXPECT_EQ(*(*set2)->Apply("f", json{{"Shot", "a"}}), "/mnt/projects/demo/shots/a/file.ma");
  EXPECT_EQ(*(*set2)->Apply("f", json{{"Shot", "a"}, {"name", "x"}}), "/mnt/projects/demo/shots/a/file_x.ma");
  EXPECT_EQ(*(*set2)->Parse("f", "/mnt/projects/demo/shots/a/file_x.ma"), (json{{"Shot", "a"}, {"name", "x"}}));
  EXPECT_EQ(*(*set2)->Parse("f", "/mnt/projects/demo/shots/a/file.ma"), (json{{"Shot", "a"}}));
}

TEST(Apply, AliasFieldAndStringTemplates) {
  auto set = LoadDemo();
  json plate = {{"Sequence", "sq1"}, {"Shot", "sh1"}, {"version", 12}, {"SEQ", 1001}};
  // version_four is aliased to "version" and pads to four; plate_name comes from its default.
  EXPECT_EQ(*set->Apply("shot_plate", plate),
            "/mnt/projects/demo/sequences/sq1/sh1/plates/main/v0012/sh1_main_v0012.1001.exr");
  EXPECT_EQ(*set->Apply("review_note_name", json{{"Shot", "sh1"}, {"user_initials", "John Smith"}, {"version", 2}}),
            "sh1_JS_v002");
  EXPECT_EQ(*set->Apply("archive_label", json{{"name", "x"}, {"version", 2}}), "x_v002 (archived)");
}

TEST(Apply, UnknownTemplateIsNotFound) {
  auto set = LoadDemo();
  EXPECT_EQ(set->Apply("nope", kShotWork).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(set->Parse("nope", kShotWorkPath).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(set->Explain("nope", kShotWorkPath).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(set->Validate("nope", kShotWork).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(set->MissingKeys("nope", kShotWork).status().code(), absl::StatusCode::kNotFound);
  MatchOptions only;
  only.templates = {"nope"};
  EXPECT_EQ(set->Match(kShotWorkPath, only).status().code(), absl::StatusCode::kNotFound);
}

TEST(Parse, TypedFields) {
  auto set = LoadDemo();
  auto fields = set->Parse("maya_shot_work", kShotWorkPath);
  ASSERT_TRUE(fields.ok()) << fields.status();
  json expected = kShotWork;
  expected["maya_extension"] = "ma";
  EXPECT_EQ(*fields, expected);
  EXPECT_TRUE((*fields)["version"].is_number_integer());

  auto render = set->Parse("nuke_shot_render_mono_dpx",
                           "/mnt/projects/demo/sequences/sq1/sh1/comp/work/images/main/v002/1920x1080/"
                           "sh1_main_beauty_v002.%04d.dpx");
  ASSERT_TRUE(render.ok()) << render.status();
  EXPECT_EQ((*render)["width"], json(1920));
  EXPECT_EQ((*render)["SEQ"], json("%04d"));
  auto udim = set->Parse("asset_texture_publish",
                         "/mnt/projects/demo/assets/Character/hero/surfacing/publish/textures/skin/v001/hero_diffuse.<UDIM>.tif");
  ASSERT_TRUE(udim.ok()) << udim.status();
  EXPECT_EQ((*udim)["UDIM"], json("<UDIM>"));
  auto tile = set->Parse("asset_texture_publish",
                         "/mnt/projects/demo/assets/Character/hero/surfacing/publish/textures/skin/v001/hero_diffuse.1012.tif");
  EXPECT_EQ((*tile)["UDIM"], json(1012));
  auto snap = set->Parse("maya_shot_snapshot",
                         "/mnt/projects/demo/sequences/a/b/anim/work/maya/snapshots/b_main_v001.2024-05-06-07-08-09.ma");
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ((*snap)["snapshot_time"], json("2024-05-06T07:08:09"));
  // Windows separators and a trailing slash are accepted.
  EXPECT_TRUE(set->Parse("shot_work_area_maya", "\\mnt\\projects\\demo\\sequences\\a\\b\\fx\\work\\maya\\").ok());
}

TEST(Parse, RepeatedKeysMustAgree) {
  auto set = LoadDemo();
  auto bad = set->Parse("maya_shot_work", "/mnt/projects/demo/sequences/sq010/sh010/anim/work/maya/sh020_main_v003.ma");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("key Shot"), std::string::npos) << bad.status();
}

TEST(Parse, AmbiguousReadingIsAnError) {
  auto set = testing::LoadText(R"(
keys:
  a: {type: str}
  b: {type: str}
paths:
  t: "x/{a}_{b}.ma"
)");
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE((*set)->Parse("t", "/mnt/projects/demo/x/p_q.ma").ok());
  auto two = (*set)->Parse("t", "/mnt/projects/demo/x/p_q_r.ma");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("two ways"), std::string::npos) << two.status();
}

TEST(Parse, StrictVersusLooseIntegers) {
  auto set = LoadDemo();
  EXPECT_FALSE(set->Parse("maya_shot_work", "/mnt/projects/demo/sequences/sq010/sh010/anim/work/maya/sh010_main_v03.ma").ok());
  auto loose = set->Parse("shot_archive", "/mnt/projects/demo/sequences/a/b/fx/@archive/b_main_i007.tar");
  ASSERT_TRUE(loose.ok()) << loose.status();
  EXPECT_EQ((*loose)["iteration"], json(7));
}

TEST(Match, FindsEveryFittingTemplateBestFirst) {
  auto set = LoadDemo();
  auto matches = set->Match(kShotWorkPath);
  ASSERT_TRUE(matches.ok());
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].tmpl->name(), "maya_shot_work");

  // A notes path fits two templates; both come back, ranked, with their fields.
  auto notes = set->Match("/mnt/projects/demo/sequences/a/b/fx/notes/b_jdoe.txt");
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->size(), 2u);
  EXPECT_EQ((*notes)[0].tmpl->name(), "shot_notes");  // same keys and static text: by name
  EXPECT_EQ((*notes)[1].fields["user"], json("jdoe"));

  EXPECT_TRUE(set->Match("/elsewhere/file.ma")->empty());
  EXPECT_TRUE(set->Match("/mnt/projects/demo/sequences/a/b/fx/work/maya/b_x_v001.txt")->empty());
}

TEST(Match, RanksMoreKeysThenMoreStaticText) {
  auto set = testing::LoadText(R"(
keys:
  Shot: {type: str, filter_by: alphanumeric}
  name: {type: str, filter_by: alphanumeric}
  file: {type: str}
paths:
  any_file: "shots/{Shot}/{file}"
  named: "shots/{Shot}/{name}.ma"
  named_main: "shots/{Shot}/{name}_main.ma"
  area: "shots/{Shot}"
strings:
  label: "{file}"
)");
  ASSERT_TRUE(set.ok()) << set.status();
  auto m = (*set)->Match("/mnt/projects/demo/shots/s1/x_main.ma");
  ASSERT_TRUE(m.ok());
  std::vector<std::string> names;
  for (const auto& x : *m) names.push_back(x.tmpl->name());
  // named_main and any_file both have two keys; named_main has more static text.
  EXPECT_EQ(names, (std::vector<std::string>{"named_main", "any_file"}));

  MatchOptions with_strings;
  with_strings.include_strings = true;
  EXPECT_EQ((*set)->Match("plain", with_strings)->size(), 1u);
  MatchOptions only;
  only.templates = {"named"};
  EXPECT_TRUE((*set)->Match("/mnt/projects/demo/shots/s1/x_main.ma", only)->empty());
  auto many = (*set)->MatchMany({"/mnt/projects/demo/shots/s1", "/nowhere"});
  ASSERT_TRUE(many.ok());
  ASSERT_EQ(many->size(), 2u);
  EXPECT_EQ((*many)[0][0].tmpl->name(), "area");
  EXPECT_TRUE((*many)[1].empty());
}

TEST(Explain, NamesSegmentKeyAndPosition) {
  auto set = LoadDemo();
  const std::string path = "/mnt/projects/demo/sequences/sq010/sh010/anim/work/maya/sh010_main_vx03.ma";
  auto e = set->Explain("maya_shot_work", path);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->matches);
  EXPECT_EQ(e->segment_index, 6);
  EXPECT_EQ(e->segment, "sh010_main_vx03.ma");
  EXPECT_EQ(e->key, "version");
  EXPECT_EQ(e->position, path.find("x03"));
  EXPECT_NE(e->reason.find("format_spec"), std::string::npos) << e->reason;

  auto step = set->Explain("maya_shot_work", "/mnt/projects/demo/sequences/sq010/sh010/cooking/work/maya/sh010_main_v003.ma");
  EXPECT_EQ(step->key, "Step");
  EXPECT_EQ(step->segment_index, 3);
  EXPECT_NE(step->reason.find("not one of the choices"), std::string::npos) << step->reason;

  auto folder = set->Explain("maya_shot_work", "/mnt/projects/demo/sequences/sq010/sh010/anim/wrk/maya/sh010_main_v003.ma");
  EXPECT_EQ(folder->segment_index, 4);
  EXPECT_EQ(folder->segment, "wrk");
  EXPECT_TRUE(folder->key.empty());
  EXPECT_NE(folder->reason.find("expected \"work/maya/\""), std::string::npos) << folder->reason;

  auto deeper = set->Explain("shot_work_area_maya", "/mnt/projects/demo/sequences/a/b/fx/work/maya/extra");
  EXPECT_NE(deeper->reason.find("goes on after the template ends"), std::string::npos) << deeper->reason;

  auto root = set->Explain("maya_shot_work", "/other/place/x.ma");
  EXPECT_EQ(root->segment_index, -1);
  EXPECT_NE(root->reason.find("not under root 'primary'"), std::string::npos);

  auto ok = set->Explain("maya_shot_work", kShotWorkPath);
  EXPECT_TRUE(ok->matches);
  EXPECT_EQ(ok->fields["version"], json(3));

  // Parse reports the same reason.
  auto parsed = set->Parse("maya_shot_work", path);
  EXPECT_EQ(parsed.status().message(), e->reason);
}

TEST(Validate, ReportsEveryProblemPerKey) {
  auto set = LoadDemo();
  EXPECT_TRUE(set->Validate("maya_shot_work", kShotWork)->empty());
  json fields = {{"Sequence", "sq_010"}, {"Step", "anim"}, {"version", "abc"}, {"maya_extension", "obj"}};
  auto problems = set->Validate("maya_shot_work", fields);
  ASSERT_TRUE(problems.ok());
  std::map<std::string, std::string> by_field;
  for (const auto& p : *problems) by_field[p.field] = p.message;
  EXPECT_NE(by_field["Sequence"].find("alphanumeric"), std::string::npos);
  EXPECT_NE(by_field["version"].find("abc"), std::string::npos);
  EXPECT_NE(by_field["maya_extension"].find("choices"), std::string::npos);
  EXPECT_NE(by_field["Shot"].find("missing"), std::string::npos);
  EXPECT_NE(by_field["name"].find("missing"), std::string::npos);
  EXPECT_EQ(by_field.count("Step"), 0u);
  EXPECT_EQ(problems->size(), 5u);
}

TEST(MissingKeys, RequiredKeysOptionallySkippingDefaults) {
  auto set = LoadDemo();
  json fields = {{"Sequence", "a"}, {"Shot", "b"}};
  EXPECT_EQ(*set->MissingKeys("maya_shot_work", fields),
            (std::vector<std::string>{"Step", "name", "version", "maya_extension"}));
  EXPECT_EQ(*set->MissingKeys("maya_shot_work", fields, /*skip_defaults=*/true),
            (std::vector<std::string>{"Step", "name", "version"}));
  // Keys only inside optional sections are not required.
  fields = kShotWork;
  fields["SEQ"] = 1;
  EXPECT_TRUE(set->MissingKeys("maya_shot_render", fields)->empty());
}

TEST(TemplateSet, ListAndKeysForListTemplates) {
  auto set = LoadDemo();
  auto list = set->List();
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end(),
                             [](const Template* a, const Template* b) { return a->name() < b->name(); }));
  const Template* work = set->Find("maya_shot_work");
  std::vector<std::string> keys;
  for (const TemplateKey* k : work->keys()) keys.push_back(k->config_name());
  EXPECT_EQ(keys, (std::vector<std::string>{"Sequence", "Shot", "Step", "name", "version", "maya_extension"}));
  EXPECT_EQ(set->roots().at("secondary"), testing::kSecondaryRoot);
}

}  // namespace
}  // namespace pipebridge::core::templates
