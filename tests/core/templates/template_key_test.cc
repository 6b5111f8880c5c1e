#include "bridge/core/templates/template_key.h"

#include "gtest/gtest.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;

std::unique_ptr<TemplateKey> Make(KeySettings s) {
  auto key = TemplateKey::Create(std::move(s));
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? std::move(key).value() : nullptr;
}

KeySettings Str(const std::string& name) {
  KeySettings s;
  s.config_name = name;
  s.type = KeyType::kString;
  return s;
}

KeySettings Int(const std::string& name, std::optional<std::string> format_spec = std::nullopt) {
  KeySettings s;
  s.config_name = name;
  s.type = KeyType::kInteger;
  s.format_spec = std::move(format_spec);
  return s;
}

TEST(StringKey, FilterByAlphanumericAlphaIntegerAndRegex) {
  auto s = Str("name");
  s.filter_by = "alphanumeric";
  auto alnum = Make(s);
  EXPECT_TRUE(alnum->Accepts("main01"));
  EXPECT_FALSE(alnum->Accepts("main_01"));
  EXPECT_NE(alnum->RejectionReason("main_01").find("filter_by alphanumeric"), std::string::npos);

  s.filter_by = "alpha";
  auto alpha = Make(s);
  EXPECT_TRUE(alpha->Accepts("main"));
  EXPECT_FALSE(alpha->Accepts("main01"));

  s.filter_by = "integer";
  auto integer = Make(s);
  EXPECT_TRUE(integer->Accepts("0101"));
  EXPECT_FALSE(integer->Accepts("01a"));
  EXPECT_EQ(integer->ValueFromText("0101"), json("0101"));  // still a string

  // A custom regex is anchored at the start only (Python re.match).
  s.filter_by = "[a-z]+";
  auto regex = Make(s);
  EXPECT_TRUE(regex->Accepts("abc"));
  EXPECT_TRUE(regex->Accepts("abc9"));
  EXPECT_FALSE(regex->Accepts("9abc"));
}

TEST(StringKey, ChoicesAreCaseInsensitiveAndExclusionsForbidValues) {
  auto s = Str("Step");
  s.choices = {{json("comp"), "Compositing"}, {json("anim"), "Animation"}};
  s.exclusions = {json("anim")};
  auto st = TemplateKey::Create(s);
  // An excluded choice is a contradiction the loader reports.
  EXPECT_FALSE(st.ok());

  s.exclusions.clear();
  auto key = Make(s);
  EXPECT_TRUE(key->Accepts("COMP"));
  EXPECT_FALSE(key->Accepts("light"));
  EXPECT_EQ(key->ChoiceTexts(), (std::vector<std::string>{"comp", "anim"}));
  EXPECT_FALSE(key->ToText(json("light")).ok());

  auto e = Str("channel");
  e.exclusions = {json("tmp")};
  auto excl = Make(e);
  EXPECT_FALSE(excl->Accepts("TMP"));
  EXPECT_TRUE(excl->Accepts("diffuse"));
}

TEST(StringKey, LengthAndDefault) {
  auto s = Str("code");
  s.length = 3;
  s.default_value = json("abc");
  auto key = Make(s);
  EXPECT_TRUE(key->Accepts("xyz"));
  EXPECT_FALSE(key->Accepts("wxyz"));
  EXPECT_EQ(key->DefaultValue(), json("abc"));

  s.default_value = json("toolong");
  EXPECT_FALSE(TemplateKey::Create(s).ok());
}

TEST(StringKey, SubsetAndSubsetFormat) {
  auto s = Str("initials");
  s.subset = "([A-Z])[a-z]* ([A-Z])[a-z]*";
  s.subset_format = "{1}{0}";
  auto key = Make(s);
  EXPECT_EQ(*key->ToText(json("John Smith")), "SJ");
  EXPECT_FALSE(key->ToText(json("john smith")).ok());

  s.subset_format.reset();
  EXPECT_EQ(*Make(s)->ToText(json("John Smith")), "JS");

  s.subset_format = "{2}";
  EXPECT_FALSE(TemplateKey::Create(s).ok());  // only two groups
  s.subset.reset();
  s.subset_format = "{0}";
  EXPECT_FALSE(TemplateKey::Create(s).ok());  // subset_format without subset
}

TEST(StringKey, AcceptsIntegersAsTextAndRejectsOtherTypes) {
  auto key = Make(Str("name"));
  EXPECT_EQ(*key->ToText(json(42)), "42");
  EXPECT_FALSE(key->ToText(json(true)).ok());
  EXPECT_FALSE(key->ToText(json("")).ok());
}

TEST(StringKey, AliasIsTheFieldName) {
  auto s = Str("version_name");
  s.alias = "name";
  auto key = Make(s);
  EXPECT_EQ(key->name(), "name");
  EXPECT_EQ(key->config_name(), "version_name");
}

TEST(StringKey, AbstractKeyNeedsDefault) {
  auto s = Str("eye");
  s.abstract = true;
  auto st = TemplateKey::Create(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("abstract"), std::string::npos);
  s.default_value = json("%V");
  EXPECT_TRUE(Make(s)->is_abstract());
}

TEST(IntKey, FormatSpecPadsAndStrictMatchingRequiresIt) {
  auto key = Make(Int("version", "03"));
  EXPECT_EQ(*key->ToText(json(7)), "007");
  EXPECT_EQ(*key->ToText(json(1234)), "1234");
  EXPECT_TRUE(key->strict_matching());
  EXPECT_TRUE(key->Accepts("007"));
  EXPECT_TRUE(key->Accepts("1234"));
  EXPECT_FALSE(key->Accepts("07"));     // too narrow
  EXPECT_FALSE(key->Accepts("0007"));   // wider than the spec must not start with 0
  EXPECT_FALSE(key->Accepts("00a"));
  EXPECT_EQ(key->ValueFromText("007"), json(7));
  EXPECT_TRUE(key->ValueFromText("007").is_number_integer());
}

TEST(IntKey, LooseMatchingAcceptsAnyPadding) {
  auto s = Int("version", "03");
  s.strict_matching = false;
  auto key = Make(s);
  EXPECT_TRUE(key->Accepts("7"));
  EXPECT_TRUE(key->Accepts("0007"));
  EXPECT_EQ(key->ValueFromText("0007"), json(7));
  EXPECT_FALSE(key->Accepts("x7"));

  auto plain = Make(Int("iteration"));
  EXPECT_FALSE(plain->strict_matching());
  EXPECT_EQ(*plain->ToText(json(5)), "5");
  EXPECT_TRUE(plain->Accepts("05"));
}

TEST(IntKey, SpacePaddedFormatSpec) {
  auto key = Make(Int("frame", "3"));
  EXPECT_EQ(*key->ToText(json(7)), "  7");
  EXPECT_TRUE(key->Accepts("  7"));
  EXPECT_FALSE(key->Accepts("007"));
}

TEST(IntKey, BadFormatSpecsAndStrictWithoutSpecAreErrors) {
  for (const char* bad : {"x3", "", "00", "3.5", "-3"}) {
    auto st = TemplateKey::Create(Int("version", bad));
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.status().message().find("format_spec"), std::string::npos);
  }
  auto s = Int("version");
  s.strict_matching = true;
  EXPECT_FALSE(TemplateKey::Create(s).ok());
}

TEST(IntKey, ChoicesDefaultsAndTypes) {
  auto s = Int("lod");
  s.choices = {{json(0), "0"}, {json(1), "1"}};
  s.default_value = json(0);
  auto key = Make(s);
  EXPECT_TRUE(key->Accepts("1"));
  EXPECT_FALSE(key->Accepts("2"));
  EXPECT_FALSE(key->ToText(json(2)).ok());
  EXPECT_EQ(key->DefaultValue(), json(0));
  // protobuf Struct numbers arrive as doubles.
  EXPECT_EQ(*key->ToText(json(1.0)), "1");
  EXPECT_FALSE(key->ToText(json(1.5)).ok());
  EXPECT_FALSE(key->ToText(json("one")).ok());
  EXPECT_FALSE(key->ToText(json(-1)).ok());
  s.default_value = json(5);
  EXPECT_FALSE(TemplateKey::Create(s).ok());
}

KeySettings Seq(std::optional<std::string> format_spec) {
  KeySettings s;
  s.config_name = "SEQ";
  s.type = KeyType::kSequence;
  s.format_spec = std::move(format_spec);
  return s;
}

TEST(SequenceKey, FrameNumbersAndFrameSpecs) {
  auto key = Make(Seq("04"));
  EXPECT_TRUE(key->is_abstract());
  EXPECT_EQ(key->DefaultValue(), json("%04d"));
  EXPECT_EQ(*key->ToText(json(1001)), "1001");
  EXPECT_EQ(*key->ToText(json(7)), "0007");
  for (const char* spec : {"%04d", "####", "@@@@", "$F4", "<UDIM>", "$UDIM"}) {
    EXPECT_EQ(*key->ToText(json(spec)), spec);
    EXPECT_TRUE(key->Accepts(spec)) << spec;
    EXPECT_EQ(key->ValueFromText(spec), json(spec));
  }
  EXPECT_FALSE(key->ToText(json("%05d")).ok());
  EXPECT_FALSE(key->Accepts("###"));
  EXPECT_EQ(key->ValueFromText("1001"), json(1001));
  // Sequences match loosely, as Toolkit's SequenceKey.
  EXPECT_TRUE(key->Accepts("01"));
}

TEST(SequenceKey, FormatDirectivesFollowThePadding) {
  auto key = Make(Seq("04"));
  EXPECT_EQ(*key->ToText(json("FORMAT: %d")), "%04d");
  EXPECT_EQ(*key->ToText(json("FORMAT: #")), "####");
  EXPECT_EQ(*key->ToText(json("FORMAT: @")), "@@@@");
  EXPECT_EQ(*key->ToText(json("FORMAT:$F")), "$F4");
  EXPECT_EQ(*key->ToText(json("FORMAT: <UDIM>")), "<UDIM>");
  EXPECT_FALSE(key->ToText(json("FORMAT: %s")).ok());

  auto unpadded = Make(Seq(std::nullopt));
  EXPECT_EQ(*unpadded->ToText(json("FORMAT: %d")), "%d");
  EXPECT_EQ(*unpadded->ToText(json("FORMAT: $F")), "$F");
  EXPECT_EQ(unpadded->DefaultValue(), json("%d"));
}

TEST(SequenceKey, FlameRange) {
  auto key = Make(Seq("04"));
  EXPECT_EQ(*key->ToText(json("[1001-1100]")), "[1001-1100]");
  EXPECT_TRUE(key->Accepts("[1001-1100]"));
  EXPECT_EQ(key->ValueFromText("[1001-1100]"), json("[1001-1100]"));
  EXPECT_FALSE(key->Accepts("[1001-]"));
}

TEST(SequenceKey, BadFormatSpec) {
  auto st = TemplateKey::Create(Seq("4x"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("format_spec"), std::string::npos);
}

KeySettings Timestamp(std::optional<std::string> format_spec, std::optional<json> def = std::nullopt) {
  KeySettings s;
  s.config_name = "when";
  s.type = KeyType::kTimestamp;
  s.format_spec = std::move(format_spec);
  s.default_value = std::move(def);
  return s;
}

TEST(TimestampKey, DefaultFormatParsesToIso) {
  auto key = Make(Timestamp(std::nullopt));
  EXPECT_TRUE(key->Accepts("2024-02-29-13-05-09"));
  EXPECT_FALSE(key->Accepts("2023-02-29-13-05-09"));  // not a leap year
  EXPECT_FALSE(key->Accepts("2024-13-01-13-05-09"));
  EXPECT_EQ(key->ValueFromText("2024-02-29-13-05-09"), json("2024-02-29T13:05:09"));
  EXPECT_EQ(*key->ToText(json("2024-02-29T13:05:09")), "2024-02-29-13-05-09");
  EXPECT_EQ(*key->ToText(json("2024-02-29-13-05-09")), "2024-02-29-13-05-09");
  EXPECT_EQ(*key->ToText(json(0)), "1970-01-01-00-00-00");
  EXPECT_FALSE(key->ToText(json("yesterday")).ok());
}

TEST(TimestampKey, CustomFormatAndNowDefaults) {
  auto key = Make(Timestamp("%Y%m%d-%H%M", json("utc_now")));
  ASSERT_TRUE(key->has_default());
  const std::string now = key->DefaultValue().get<std::string>();
  ASSERT_EQ(now.size(), 19u);
  auto text = key->ToText(key->DefaultValue());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->size(), 13u);
  EXPECT_EQ(text->substr(0, 4), now.substr(0, 4));

  EXPECT_FALSE(TemplateKey::Create(Timestamp("%Y-%Q")).ok());
  EXPECT_FALSE(TemplateKey::Create(Timestamp(std::nullopt, json("not a time"))).ok());
  EXPECT_TRUE(TemplateKey::Create(Timestamp(std::nullopt, json("2020-01-02-03-04-05"))).ok());
}

TEST(KeySettings, SettingsOfOtherTypesAreRejected) {
  auto s = Str("name");
  s.format_spec = "03";
  EXPECT_FALSE(TemplateKey::Create(s).ok());
  auto i = Int("version");
  i.filter_by = "alpha";
  EXPECT_FALSE(TemplateKey::Create(i).ok());
  auto sg = Str("Shot");
  sg.shotgun_field_name = "code";
  EXPECT_FALSE(TemplateKey::Create(sg).ok());
  sg.shotgun_entity_type = "Shot";
  EXPECT_EQ(Make(sg)->settings().shotgun_entity_type, "Shot");
}

}  // namespace
}  // namespace pipebridge::core::templates
