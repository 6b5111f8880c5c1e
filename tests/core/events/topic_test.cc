#include "bridge/core/events/topic.h"

#include <string>

#include "gtest/gtest.h"

namespace pipebridge::core::events {
namespace {

bool Match(const std::string& pattern, const std::string& topic) {
  auto compiled = TopicPattern::Parse(pattern);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() && compiled->Matches(topic);
}

TEST(TopicTest, ValidTopicsPass) {
  EXPECT_TRUE(ValidateTopic("entity.Shot.updated", false).ok());
  EXPECT_TRUE(ValidateTopic("review.requested", true).ok());
  EXPECT_TRUE(ValidateTopic("a_b-c.D9", true).ok());
  EXPECT_TRUE(ValidateTopic("single", true).ok());
}

TEST(TopicTest, MalformedTopicsNameTheField) {
  for (const char* bad : {"", ".a", "a.", "a..b", "a.b c", "a.*", "caf\xc3\xa9"}) {
    absl::Status status = ValidateTopic(bad, false);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(status.message().substr(0, 6), "topic:") << status;
  }
  absl::Status too_long = ValidateTopic(std::string(kMaxTopicLength + 1, 'a'), false);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.message().find("at most 255"), std::string::npos) << too_long;
  EXPECT_TRUE(ValidateTopic(std::string(kMaxTopicLength, 'a'), false).ok());
}

TEST(TopicTest, ReservedRootsAreRefusedOnlyForCustomEvents) {
  for (const char* core : {"entity.Shot.updated", "publish.created", "host.attached", "host"}) {
    EXPECT_TRUE(ValidateTopic(core, /*custom=*/false).ok()) << core;
    absl::Status status = ValidateTopic(core, /*custom=*/true);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << core;
    EXPECT_NE(status.message().find("reserved"), std::string::npos) << status;
  }
  // Only whole first segments are reserved.
  EXPECT_TRUE(ValidateTopic("entitys.x", true).ok());
  EXPECT_TRUE(ValidateTopic("hosting.started", true).ok());
  EXPECT_TRUE(ValidateTopic("review.entity.x", true).ok());
}

TEST(TopicTest, ExactPatternMatchesOnlyItself) {
  EXPECT_TRUE(Match("publish.created", "publish.created"));
  EXPECT_FALSE(Match("publish.created", "publish.created.x"));
  EXPECT_FALSE(Match("publish.created", "publish"));
  EXPECT_FALSE(Match("publish", "publish.created"));
}

TEST(TopicTest, StarMatchesExactlyOneSegment) {
  EXPECT_TRUE(Match("entity.*.updated", "entity.Shot.updated"));
  EXPECT_TRUE(Match("entity.*.updated", "entity.Asset.updated"));
  EXPECT_FALSE(Match("entity.*.updated", "entity.updated"));
  EXPECT_FALSE(Match("entity.*.updated", "entity.Shot.x.updated"));
  EXPECT_FALSE(Match("entity.*.updated", "entity.Shot.updated.more"));
  EXPECT_FALSE(Match("entity.*.updated", "entity.Shot.created"));
  EXPECT_TRUE(Match("*.created", "publish.created"));
  EXPECT_FALSE(Match("*.created", "publish.file.created"));
  EXPECT_TRUE(Match("*", "single"));
  EXPECT_FALSE(Match("*", "two.segments"));
}

TEST(TopicTest, TrailingStarAlsoMatchesDeeperTopics) {
  EXPECT_TRUE(Match("publish.*", "publish.created"));
  EXPECT_TRUE(Match("publish.*", "publish.file.created"));
  EXPECT_FALSE(Match("publish.*", "publish"));
  EXPECT_FALSE(Match("publish.*", "publishing.created"));
  EXPECT_TRUE(Match("entity.Shot.*", "entity.Shot.updated"));
  EXPECT_FALSE(Match("entity.Shot.*", "entity.Asset.updated"));
  EXPECT_TRUE(Match("entity.*.*", "entity.Shot.updated.field"));
}

TEST(TopicTest, BadPatternsNameTheirIndex) {
  auto compiled = TopicPatterns::Compile({"publish.*", "entity.Sh*t"});
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(compiled.status().message().substr(0, 10), "topics[1]:") << compiled.status();
  EXPECT_FALSE(TopicPatterns::Compile({"a..b"}).ok());
  EXPECT_FALSE(TopicPatterns::Compile({"**"}).ok());
  EXPECT_FALSE(TopicPatterns::Compile({""}).ok());
}

TEST(TopicTest, PatternListIsAnyOfAndEmptyMatchesAll) {
  auto none = TopicPatterns::Compile({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->Matches("anything.at.all"));
  auto some = TopicPatterns::Compile({"publish.*", "host.attached"});
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(some->Matches("publish.created"));
  EXPECT_TRUE(some->Matches("host.attached"));
  EXPECT_FALSE(some->Matches("host.detached"));
}

}  // namespace
}  // namespace pipebridge::core::events
