#include "adapters/transcoding/contract_docs.h"

#include <cstddef>
#include <memory>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.pb.h"

namespace pipebridge::transcoding {

// From the generated contract_docs_data.cc (embed_bytes.cmake).
extern const unsigned char kContractDescriptorSet[];
extern const size_t kContractDescriptorSet_size;

namespace {

namespace pb = google::protobuf;

// Built once; a separate pool from the generated one, so its descriptors are only used to
// read comments, looked up by full name.
const pb::DescriptorPool& DocsPool() {
  static const pb::DescriptorPool* pool = [] {
    auto* result = new pb::DescriptorPool();
    pb::FileDescriptorSet set;
    if (set.ParseFromArray(kContractDescriptorSet, static_cast<int>(kContractDescriptorSet_size))) {
      for (const auto& file : set.file()) result->BuildFile(file);
    }
    return result;
  }();
  return *pool;
}

// protoc keeps the text after "//" of each line, leading space included.
std::string Clean(const std::string& comment) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    lines.emplace_back(absl::StripAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return absl::StrJoin(lines, "\n");
}

template <typename Descriptor>
std::string CommentOf(const Descriptor* docs) {
  if (docs == nullptr) return std::string();
  pb::SourceLocation location;
  if (!docs->GetSourceLocation(&location)) return std::string();
  std::string comment = Clean(location.leading_comments);
  return comment.empty() ? Clean(location.trailing_comments) : comment;
}

}  // namespace

std::string ContractComment(const pb::ServiceDescriptor& service) {
  const pb::ServiceDescriptor* docs = DocsPool().FindServiceByName(service.full_name());
  std::string comment = CommentOf(docs);
  // The contract describes each service at the top of its own file (the comment before
  // `syntax`, field 12 of FileDescriptorProto), where a file has one service.
  if (comment.empty() && docs != nullptr && docs->file()->service_count() == 1) {
    pb::SourceLocation location;
    if (docs->file()->GetSourceLocation({12}, &location)) {
      comment = Clean(location.leading_comments);
    }
  }
  return comment;
}

std::string ContractComment(const pb::MethodDescriptor& method) {
  return CommentOf(DocsPool().FindMethodByName(method.full_name()));
}

std::string ContractComment(const pb::Descriptor& message) {
  return CommentOf(DocsPool().FindMessageTypeByName(message.full_name()));
}

std::string ContractComment(const pb::FieldDescriptor& field) {
  return CommentOf(DocsPool().FindFieldByName(field.full_name()));
}

std::string ContractComment(const pb::EnumDescriptor& enumeration) {
  return CommentOf(DocsPool().FindEnumTypeByName(enumeration.full_name()));
}

std::string ContractComment(const pb::EnumValueDescriptor& value) {
  return CommentOf(DocsPool().FindEnumValueByName(value.full_name()));
}

}  // namespace pipebridge::transcoding
