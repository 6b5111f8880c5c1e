// The codec against protobuf 3.21's util, on every message type of the contract and on the
// test-only messages: byte-for-byte equal output, and util's output (both name styles) read back
// into the original message.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/transcoding/json_codec.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pipebridge/transcoding_test/codec_test.pb.h"
#include "pipebridge/v1/bridge.pb.h"
#include "pipebridge/v1/context.pb.h"
#include "pipebridge/v1/entities.pb.h"
#include "pipebridge/v1/events.pb.h"
#include "pipebridge/v1/hosts.pb.h"
#include "pipebridge/v1/publishes.pb.h"
#include "pipebridge/v1/templates.pb.h"
#include "tests/transcoding/random_message.h"

namespace pipebridge::transcoding {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;
using testing::RandomMessageFiller;
using testing::RandomMessageOptions;

constexpr const char* kContractFiles[] = {
    "pipebridge/v1/common.proto",   "pipebridge/v1/bridge.proto",
    "pipebridge/v1/entities.proto", "pipebridge/v1/templates.proto",
    "pipebridge/v1/context.proto",  "pipebridge/v1/publishes.proto",
    "pipebridge/v1/events.proto",   "pipebridge/v1/hosts.proto",
};

void CollectMessages(const Descriptor* d, std::vector<const Descriptor*>* out) {
  if (d->options().map_entry()) return;
  out->push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) CollectMessages(d->nested_type(i), out);
}

std::vector<const Descriptor*> ContractMessages() {
  // Reference one message of each file so the linker keeps every file's descriptors.
  pipebridge::v1::PingRequest::descriptor();
  pipebridge::v1::EntityRef::descriptor();
  pipebridge::v1::FindEntitiesRequest::descriptor();
  pipebridge::v1::ListTemplatesRequest::descriptor();
  pipebridge::v1::Context::descriptor();
  pipebridge::v1::Publish::descriptor();
  pipebridge::v1::Event::descriptor();
  pipebridge::v1::Host::descriptor();
  std::vector<const Descriptor*> out;
  for (const char* name : kContractFiles) {
    const google::protobuf::FileDescriptor* file =
        DescriptorPool::generated_pool()->FindFileByName(name);
    EXPECT_NE(file, nullptr) << name;
    if (file == nullptr) continue;
    for (int i = 0; i < file->message_type_count(); ++i) {
      CollectMessages(file->message_type(i), &out);
    }
  }
  return out;
}

std::vector<const Descriptor*> TestMessages() {
  std::vector<const Descriptor*> out;
  CollectMessages(pipebridge::transcoding_test::AllTypes::descriptor(), &out);
  CollectMessages(pipebridge::transcoding_test::Scalars::descriptor(), &out);
  CollectMessages(pipebridge::transcoding_test::Nested::descriptor(), &out);
  return out;
}

std::string UtilJson(const Message& m, bool proto_names = false) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = proto_names;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(m, &json, options);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return json;
}

std::string CodecJson(const Message& m) {
  std::string json;
  MessageToJson(m, &json);
  return json;
}

bool SameMessage(const Message& a, const Message& b, std::string* report) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  differencer.ReportDifferencesToString(report);
  return differencer.Compare(a, b);
}

// Seeds are fixed: a failure names its type and seed, and reruns identically.
constexpr int kMessagesPerType = 300;

void CheckType(const Descriptor* d, int count, RandomMessageOptions options, bool round_trip) {
  const Message* prototype = MessageFactory::generated_factory()->GetPrototype(d);
  ASSERT_NE(prototype, nullptr) << d->full_name();
  for (int i = 0; i < count; ++i) {
    uint64_t seed = std::hash<std::string>()(d->full_name()) ^ static_cast<uint64_t>(i);
    SCOPED_TRACE(absl::StrCat(d->full_name(), " seed ", seed));
    std::unique_ptr<Message> original(prototype->New());
    RandomMessageFiller(seed, options).Fill(original.get());
    // Normalise map state (as a message received from the wire would be).
    std::unique_ptr<Message> message(prototype->New());
    ASSERT_TRUE(message->ParseFromString(original->SerializeAsString()));

    std::string expected = UtilJson(*message);
    std::string actual = CodecJson(*message);
    ASSERT_EQ(actual, expected);
    if (!round_trip) continue;

    std::unique_ptr<Message> parsed(prototype->New());
    absl::Status status = JsonToMessage(expected, parsed.get());
    ASSERT_TRUE(status.ok()) << status << "\n" << expected;
    std::string report;
    ASSERT_TRUE(SameMessage(*message, *parsed, &report)) << report << "\n" << expected;

    std::string snake = UtilJson(*message, /*proto_names=*/true);
    std::unique_ptr<Message> parsed_snake(prototype->New());
    status = JsonToMessage(snake, parsed_snake.get());
    ASSERT_TRUE(status.ok()) << status << "\n" << snake;
    ASSERT_TRUE(SameMessage(*message, *parsed_snake, &report)) << report << "\n" << snake;
  }
}

TEST(JsonCodecEquivalenceTest, CoversEveryFileOfTheContract) {
  std::vector<const Descriptor*> messages = ContractMessages();
  // 8 files, ~100 messages: a silent drop of a file would shrink this.
  EXPECT_GE(messages.size(), 90u);
}

TEST(JsonCodecEquivalenceTest, ContractMessagesEqualUtilBothWays) {
  for (const Descriptor* d : ContractMessages()) {
    CheckType(d, kMessagesPerType, {}, /*round_trip=*/true);
    if (HasFatalFailure()) return;
  }
}

TEST(JsonCodecEquivalenceTest, EveryFieldShapeEqualsUtilBothWays) {
  for (const Descriptor* d : TestMessages()) {
    CheckType(d, 2000, {}, /*round_trip=*/true);
    if (HasFatalFailure()) return;
  }
}

TEST(JsonCodecEquivalenceTest, LossyValuesPrintAsUtilPrintsThem) {
  // NaN in a Value prints "NaN" (a string on the way back); a Value with no kind prints nothing.
  RandomMessageOptions options;
  options.allow_lossy_values = true;
  for (const Descriptor* d : ContractMessages()) {
    CheckType(d, 50, options, /*round_trip=*/false);
    if (HasFatalFailure()) return;
  }
  for (const Descriptor* d : TestMessages()) {
    CheckType(d, 500, options, /*round_trip=*/false);
    if (HasFatalFailure()) return;
  }
}

TEST(JsonCodecEquivalenceTest, DynamicMessagesEqualGenerated) {
  // The same descriptors through DynamicMessage (reflection-only well-known types).
  google::protobuf::DynamicMessageFactory factory;
  for (const Descriptor* d : TestMessages()) {
    const Message* prototype = MessageFactory::generated_factory()->GetPrototype(d);
    for (int i = 0; i < 50; ++i) {
      SCOPED_TRACE(absl::StrCat(d->full_name(), " #", i));
      std::unique_ptr<Message> filled(prototype->New());
      RandomMessageFiller(static_cast<uint64_t>(i)).Fill(filled.get());
      std::unique_ptr<Message> generated(prototype->New());
      ASSERT_TRUE(generated->ParseFromString(filled->SerializeAsString()));
      std::string expected = CodecJson(*generated);
      std::unique_ptr<Message> dynamic(factory.GetPrototype(d)->New());
      ASSERT_TRUE(dynamic->ParseFromString(generated->SerializeAsString()));
      // Maps may iterate in another order in a copy: compare through a parse instead.
      std::unique_ptr<Message> reparsed(prototype->New());
      ASSERT_TRUE(JsonToMessage(CodecJson(*dynamic), reparsed.get()).ok()) << CodecJson(*dynamic);
      std::unique_ptr<Message> dynamic_parsed(factory.GetPrototype(d)->New());
      absl::Status status = JsonToMessage(expected, dynamic_parsed.get());
      ASSERT_TRUE(status.ok()) << status << "\n" << expected;
      std::string report;
      ASSERT_TRUE(SameMessage(*generated, *reparsed, &report)) << report;
      std::unique_ptr<Message> back(prototype->New());
      ASSERT_TRUE(back->ParseFromString(dynamic_parsed->SerializeAsString()));
      ASSERT_TRUE(SameMessage(*generated, *back, &report)) << report;
    }
  }
}

TEST(JsonCodecEquivalenceTest, KnownShapes) {
  pipebridge::transcoding_test::AllTypes m;
  m.set_choice_string("x");
  m.mutable_scalars()->set_f_int64(-5);
  m.mutable_timestamp()->set_seconds(1);
  m.mutable_value()->mutable_list_value();
  m.set_o_int32(0);
  EXPECT_EQ(CodecJson(m), UtilJson(m));
  // Oneof members and scalar-shaped well-known types come last, by field number.
  std::string json = CodecJson(m);
  EXPECT_LT(json.find("\"lateSmallNumber\""), json.find("\"oInt32\""));
  EXPECT_LT(json.find("\"oInt32\""), json.find("\"choiceString\""));
  EXPECT_LT(json.find("\"choiceString\""), json.find("\"timestamp\""));
}

}  // namespace
}  // namespace pipebridge::transcoding
