// Message -> canonical ProtoJSON, equal to util::MessageToJsonString with
// always_print_primitive_fields.
//
// util renders through a DefaultValueObjectWriter, which fixes the field order: first the
// fields it pre-populates (every field but scalar oneof members, in declaration order; unset
// messages are skipped, empty repeated fields print [] and maps {}), then, in field-number
// order, the scalar oneof members that are set and the set message fields whose JSON is not an
// object (Timestamp, Duration, FieldMask, wrappers, ListValue, and Value unless it holds a
// Struct): util finds their pre-populated slot of the wrong kind and appends a new one.
// A Value with no kind set prints nothing at all, not even its key.
#include <string>

#include "adapters/transcoding/json_codec.h"
#include "adapters/transcoding/json_writer.h"
#include "adapters/transcoding/message_table.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace pipebridge::transcoding {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::Struct;
using google::protobuf::Value;

// The generated class behind `m` when it is one (the fast path), else null (DynamicMessage).
template <typename T>
const T* AsGenerated(const Message& m) {
  return m.GetReflection() == T::GetReflection() ? static_cast<const T*>(&m) : nullptr;
}

class Printer {
 public:
  explicit Printer(std::string* out) : out_(out) {}

  void PrintMessage(const Message& m, const MessageTable& table) {
    switch (table.well_known) {
      case WellKnownType::kNone:
        PrintFields(m, table);
        return;
      case WellKnownType::kStruct:
        WithGenerated<Struct>(m, [this](const Struct& s) { PrintStruct(s); });
        return;
      case WellKnownType::kValue:
        WithGenerated<Value>(m, [this](const Value& v) {
          if (v.kind_case() == Value::KIND_NOT_SET) {
            out_->append("null");  // Only reachable at the top level.
          } else {
            PrintValue(v);
          }
        });
        return;
      case WellKnownType::kListValue:
        WithGenerated<ListValue>(m, [this](const ListValue& l) { PrintList(l); });
        return;
      case WellKnownType::kTimestamp:
      case WellKnownType::kDuration: {
        const Reflection* r = m.GetReflection();
        const google::protobuf::Descriptor* d = m.GetDescriptor();
        int64_t seconds = r->GetInt64(m, d->field(0));
        int32_t nanos = r->GetInt32(m, d->field(1));
        bool ok = table.well_known == WellKnownType::kTimestamp
                      ? AppendTimestamp(seconds, nanos, out_)
                      : AppendDuration(seconds, nanos, out_);
        if (!ok) out_->append("null");
        return;
      }
      case WellKnownType::kEmpty:
        out_->append("{}");
        return;
      case WellKnownType::kAny:
      case WellKnownType::kFieldMask:
        PrintWithUtil(m);
        return;
      default:  // Wrappers: the JSON of their single field.
        PrintScalar(m, *table.fields[0].field, -1, false);
        return;
    }
  }

 private:
  template <typename T, typename F>
  void WithGenerated(const Message& m, F print) {
    if (const T* typed = AsGenerated<T>(m)) {
      print(*typed);
      return;
    }
    T copy;
    copy.ParsePartialFromString(m.SerializePartialAsString());
    print(copy);
  }

  void PrintWithUtil(const Message& m) {
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    std::string json;
    if (google::protobuf::util::MessageToJsonString(m, &json, options).ok()) {
      out_->append(json);
    } else {
      out_->append("null");
    }
  }

  void Separate(bool* first) {
    if (!*first) out_->push_back(',');
    *first = false;
  }

  static bool ValueHoldsStruct(const Message& m) {
    if (const Value* v = AsGenerated<Value>(m)) return v->kind_case() == Value::kStructValue;
    const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName("struct_value");
    return m.GetReflection()->HasField(m, f);
  }

  static bool ValueKindSet(const Message& m) {
    if (const Value* v = AsGenerated<Value>(m)) return v->kind_case() != Value::KIND_NOT_SET;
    return m.GetReflection()->GetOneofFieldDescriptor(m, m.GetDescriptor()->oneof_decl(0)) !=
           nullptr;
  }

  void PrintFields(const Message& m, const MessageTable& table) {
    const Reflection* r = m.GetReflection();
    out_->push_back('{');
    bool first = true;
    for (const FieldTable* f : table.in_place) {
      const FieldDescriptor* fd = f->field;
      if (fd->is_repeated()) {
        Separate(&first);
        out_->append(f->json_key);
        if (f->is_map) {
          PrintMap(m, *f);
        } else {
          PrintRepeated(m, *f);
        }
      } else if (f->message != nullptr) {
        if (!r->HasField(m, fd)) continue;
        const Message& sub = r->GetMessage(m, fd);
        if (f->message->well_known == WellKnownType::kValue && !ValueHoldsStruct(sub)) continue;
        Separate(&first);
        out_->append(f->json_key);
        PrintMessage(sub, *f->message);
      } else {
        Separate(&first);
        out_->append(f->json_key);
        PrintScalar(m, *fd, -1, f->is_null_value_enum);
      }
    }
    for (const FieldTable* f : table.appended) {
      const FieldDescriptor* fd = f->field;
      if (!r->HasField(m, fd)) continue;
      if (f->message != nullptr) {
        const Message& sub = r->GetMessage(m, fd);
        if (f->message->well_known == WellKnownType::kValue) {
          if (!ValueKindSet(sub)) continue;
          if (ValueHoldsStruct(sub)) continue;  // printed in place
        }
        Separate(&first);
        out_->append(f->json_key);
        PrintMessage(sub, *f->message);
      } else {
        Separate(&first);
        out_->append(f->json_key);
        PrintScalar(m, *fd, -1, false);
      }
    }
    out_->push_back('}');
  }

  void PrintRepeated(const Message& m, const FieldTable& f) {
    const Reflection* r = m.GetReflection();
    const FieldDescriptor& fd = *f.field;
    int n = r->FieldSize(m, &fd);
    out_->push_back('[');
    bool first = true;
    for (int i = 0; i < n; ++i) {
      if (f.message != nullptr) {
        const Message& sub = r->GetRepeatedMessage(m, &fd, i);
        if (f.message->well_known == WellKnownType::kValue && !ValueKindSet(sub)) continue;
        Separate(&first);
        PrintMessage(sub, *f.message);
      } else {
        Separate(&first);
        PrintScalar(m, fd, i, false);
      }
    }
    out_->push_back(']');
  }

  void PrintMap(const Message& m, const FieldTable& f) {
    const Reflection* r = m.GetReflection();
    const FieldDescriptor& fd = *f.field;
    const FieldTable& key = f.message->fields[0];
    const FieldTable& value = f.message->fields[1];
    int n = r->FieldSize(m, &fd);
    out_->push_back('{');
    bool first = true;
    for (int i = 0; i < n; ++i) {
      const Message& entry = r->GetRepeatedMessage(m, &fd, i);
      const Reflection* er = entry.GetReflection();
      const Message* sub = nullptr;
      if (value.message != nullptr) {
        sub = &er->GetMessage(entry, value.field);
        if (value.message->well_known == WellKnownType::kValue && !ValueKindSet(*sub)) continue;
      }
      Separate(&first);
      PrintMapKey(entry, *key.field);
      out_->push_back(':');
      if (sub != nullptr) {
        PrintMessage(*sub, *value.message);
      } else {
        PrintScalar(entry, *value.field, -1, false);
      }
    }
    out_->push_back('}');
  }

  void PrintMapKey(const Message& entry, const FieldDescriptor& fd) {
    const Reflection* r = entry.GetReflection();
    switch (fd.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        AppendJsonString(r->GetStringReference(entry, &fd, &scratch), out_);
        return;
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append(r->GetBool(entry, &fd) ? "\"true\"" : "\"false\"");
        return;
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
        out_->push_back('"');
        PrintScalar(entry, fd, -1, false, /*quote_64=*/false);
        out_->push_back('"');
        return;
      default:
        out_->append("\"\"");  // Not a valid map key type.
    }
  }

  // One scalar of field `fd` (element `index` when repeated, else -1).
  void PrintScalar(const Message& m, const FieldDescriptor& fd, int index, bool null_value_slot,
                   bool quote_64 = true) {
    const Reflection* r = m.GetReflection();
    const bool rep = index >= 0;
    switch (fd.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        AppendInt64(rep ? r->GetRepeatedInt32(m, &fd, index) : r->GetInt32(m, &fd), out_);
        return;
      case FieldDescriptor::CPPTYPE_UINT32:
        AppendUint64(rep ? r->GetRepeatedUInt32(m, &fd, index) : r->GetUInt32(m, &fd), out_);
        return;
      case FieldDescriptor::CPPTYPE_INT64:
        if (quote_64) out_->push_back('"');
        AppendInt64(rep ? r->GetRepeatedInt64(m, &fd, index) : r->GetInt64(m, &fd), out_);
        if (quote_64) out_->push_back('"');
        return;
      case FieldDescriptor::CPPTYPE_UINT64:
        if (quote_64) out_->push_back('"');
        AppendUint64(rep ? r->GetRepeatedUInt64(m, &fd, index) : r->GetUInt64(m, &fd), out_);
        if (quote_64) out_->push_back('"');
        return;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        AppendDouble(rep ? r->GetRepeatedDouble(m, &fd, index) : r->GetDouble(m, &fd), out_);
        return;
      case FieldDescriptor::CPPTYPE_FLOAT:
        AppendFloat(rep ? r->GetRepeatedFloat(m, &fd, index) : r->GetFloat(m, &fd), out_);
        return;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append((rep ? r->GetRepeatedBool(m, &fd, index) : r->GetBool(m, &fd)) ? "true"
                                                                                   : "false");
        return;
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number = rep ? r->GetRepeatedEnumValue(m, &fd, index) : r->GetEnumValue(m, &fd);
        if (fd.enum_type()->full_name() == "google.protobuf.NullValue" && !null_value_slot) {
          out_->append("null");
          return;
        }
        const google::protobuf::EnumValueDescriptor* ev =
            fd.enum_type()->FindValueByNumber(number);
        if (ev != nullptr) {
          AppendJsonString(ev->name(), out_);
        } else {
          AppendInt64(number, out_);
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& s = rep ? r->GetRepeatedStringReference(m, &fd, index, &scratch)
                                   : r->GetStringReference(m, &fd, &scratch);
        if (fd.type() == FieldDescriptor::TYPE_BYTES) {
          AppendBase64(s, out_);
        } else {
          AppendJsonString(s, out_);
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return;  // Not a scalar.
    }
  }

  void PrintValue(const Value& v) {
    switch (v.kind_case()) {
      case Value::kNullValue:
        out_->append("null");
        return;
      case Value::kNumberValue:
        AppendDouble(v.number_value(), out_);
        return;
      case Value::kStringValue:
        AppendJsonString(v.string_value(), out_);
        return;
      case Value::kBoolValue:
        out_->append(v.bool_value() ? "true" : "false");
        return;
      case Value::kStructValue:
        PrintStruct(v.struct_value());
        return;
      case Value::kListValue:
        PrintList(v.list_value());
        return;
      case Value::KIND_NOT_SET:
        return;
    }
  }

  void PrintStruct(const Struct& s) {
    out_->push_back('{');
    bool first = true;
    for (const auto& [key, value] : s.fields()) {
      if (value.kind_case() == Value::KIND_NOT_SET) continue;
      Separate(&first);
      AppendJsonString(key, out_);
      out_->push_back(':');
      PrintValue(value);
    }
    out_->push_back('}');
  }

  void PrintList(const ListValue& l) {
    out_->push_back('[');
    bool first = true;
    for (const Value& value : l.values()) {
      if (value.kind_case() == Value::KIND_NOT_SET) continue;
      Separate(&first);
      PrintValue(value);
    }
    out_->push_back(']');
  }

  std::string* out_;
};

}  // namespace

void MessageToJson(const google::protobuf::Message& message, std::string* out) {
  Printer(out).PrintMessage(message, GetMessageTable(message.GetDescriptor()));
}

}  // namespace pipebridge::transcoding
