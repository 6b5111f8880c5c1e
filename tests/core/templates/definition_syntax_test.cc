#include "bridge/core/templates/definition_syntax.h"

#include "gtest/gtest.h"

namespace pipebridge::core::templates {
namespace {

TEST(ExpandOptionalSections, AllVariantsLongestFirst) {
  auto v = ExpandOptionalSections("a/{x}[_{y}][.{z}]");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, (std::vector<std::string>{"a/{x}_{y}.{z}", "a/{x}_{y}", "a/{x}.{z}", "a/{x}"}));
}

TEST(ExpandOptionalSections, Errors) {
  EXPECT_FALSE(ExpandOptionalSections("a/[b]").ok());        // no key inside
  EXPECT_FALSE(ExpandOptionalSections("a/[{x}").ok());       // unclosed
  EXPECT_FALSE(ExpandOptionalSections("a/{x}]").ok());       // stray ]
  EXPECT_FALSE(ExpandOptionalSections("a/[[{x}]]").ok());    // nested
}

TEST(SplitKeys, StaticAndKeys) {
  auto p = SplitKeys("v{version}.{ext}");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 4u);
  EXPECT_FALSE((*p)[0].is_key);
  EXPECT_EQ((*p)[1].text, "version");
  EXPECT_TRUE((*p)[3].is_key);
  EXPECT_FALSE(SplitKeys("v{version").ok());
  EXPECT_FALSE(SplitKeys("v{}").ok());
  EXPECT_FALSE(SplitKeys("v}x").ok());
}

TEST(ResolveReferences, NestedLongestNameAndEscapes) {
  UnresolvedDefinitions d;
  d.paths = {{"root", "shots/{Shot}"},
             {"root_work", "@root/work"},
             {"file", "@root_work/{name}.ma"},
             {"mail", "@root/@@home"}};
  d.strings = {{"label", "@file!"}};
  ASSERT_TRUE(ResolveReferences(&d).ok());
  EXPECT_EQ(d.paths["file"], "shots/{Shot}/work/{name}.ma");  // longest name "root_work" wins
  EXPECT_EQ(d.paths["mail"], "shots/{Shot}/@home");
  EXPECT_EQ(d.strings["label"], "shots/{Shot}/work/{name}.ma!");
}

TEST(ResolveReferences, UnknownAndCyclicReferences) {
  UnresolvedDefinitions unknown;
  unknown.paths = {{"a", "@nothing/x"}};
  auto st = ResolveReferences(&unknown);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("@nothing"), std::string::npos);

  UnresolvedDefinitions cycle;
  cycle.paths = {{"a", "@b/x"}, {"b", "@a/y"}};
  st = ResolveReferences(&cycle);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("a -> b -> a"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace pipebridge::core::templates
