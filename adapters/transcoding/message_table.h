// Per-descriptor lookup tables for the JSON codec, built once per message type and shared by
// every thread. A table names each field both ways (json_name and proto name) for the reader,
// and lists the fields in the order util renders them for the writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/descriptor.h"

namespace pipebridge::transcoding {

// Well-known types with a JSON form of their own.
enum class WellKnownType : uint8_t {
  kNone,
  kAny,
  kStruct,
  kValue,
  kListValue,
  kTimestamp,
  kDuration,
  kFieldMask,
  kEmpty,
  kDoubleValue,
  kFloatValue,
  kInt64Value,
  kUInt64Value,
  kInt32Value,
  kUInt32Value,
  kBoolValue,
  kStringValue,
  kBytesValue,
};

struct MessageTable;

struct FieldTable {
  const google::protobuf::FieldDescriptor* field = nullptr;
  // `"jsonName":`, escaped as util escapes keys.
  std::string json_key;
  // Table of the field's message type (for maps: of the entry type); null for scalars.
  const MessageTable* message = nullptr;
  bool is_map = false;
  // Member of a oneof, real or synthetic (proto3 `optional`).
  bool in_oneof = false;
  // google.protobuf.NullValue enum field outside a google.protobuf.Value.
  bool is_null_value_enum = false;
};

struct MessageTable {
  const google::protobuf::Descriptor* descriptor = nullptr;
  WellKnownType well_known = WellKnownType::kNone;
  // Every field, in declaration order.
  std::vector<FieldTable> fields;
  // Output, first pass: fields util pre-populates (all but scalar oneof members), in
  // declaration order.
  std::vector<const FieldTable*> in_place;
  // Output, second pass, by field number: scalar oneof members and singular message fields that
  // util renders as a JSON scalar or array (Timestamp, wrappers, ListValue, Value...) and
  // therefore appends after the pre-populated ones.
  std::vector<const FieldTable*> appended;
  // Input: json_name and proto name -> field. Keys view descriptor-owned strings.
  absl::flat_hash_map<std::string_view, const FieldTable*> by_name;
};

// The table of `descriptor` (and, transitively, of every message type its fields use).
// Lock-free after the first call for a type.
const MessageTable& GetMessageTable(const google::protobuf::Descriptor* descriptor);

}  // namespace pipebridge::transcoding
