// The contract's .proto comments at run time. Generated C++ descriptors carry no source
// info, so the build embeds a descriptor set compiled with --include_source_info, and this
// pool answers "what does the contract say about X" by full name.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace pipebridge::transcoding {

// The comment above a service, method, message, field, enum or enum value of the contract,
// trimmed, with line breaks kept; empty when it has none or is not part of the contract
// (e.g. a test-only service).
std::string ContractComment(const google::protobuf::ServiceDescriptor& service);
std::string ContractComment(const google::protobuf::MethodDescriptor& method);
std::string ContractComment(const google::protobuf::Descriptor& message);
std::string ContractComment(const google::protobuf::FieldDescriptor& field);
std::string ContractComment(const google::protobuf::EnumDescriptor& enumeration);
std::string ContractComment(const google::protobuf::EnumValueDescriptor& value);

}  // namespace pipebridge::transcoding
