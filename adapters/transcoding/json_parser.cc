// JSON -> message over simdjson's On-Demand API, driven by the per-descriptor tables.
//
// Stricter than util::JsonStringToMessage where the wire conventions say so (unknown fields,
// duplicate keys and two members of one oneof are errors) and as lenient where util is (json_name
// or proto name, 64-bit integers as numbers or strings, integral floats such as 1e3 for integer
// fields, enums by name or number, null for "not set"). Every error names its JSON path.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "adapters/transcoding/json_codec.h"
#include "adapters/transcoding/json_path.h"
#include "adapters/transcoding/str_cat.h"
#include "adapters/transcoding/json_syntax_check.h"
#include "adapters/transcoding/json_writer.h"
#include "adapters/transcoding/message_table.h"
#include "bridge/core/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace pipebridge::transcoding {
namespace {

namespace od = simdjson::ondemand;
using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::Struct;
using google::protobuf::Value;

// Deepest nesting the reader recurses into, whatever the options ask (bounds the stack).
constexpr int kMaxSupportedDepth = 1000;

std::string_view KindName(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "array";
    case od::json_type::object: return "object";
    case od::json_type::number: return "number";
    case od::json_type::string: return "string";
    case od::json_type::boolean: return "boolean";
    case od::json_type::null: return "null";
  }
  return "value";
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Quotes text taken from the input for an error message, shortened.
std::string Quote(std::string_view s) {
  std::string out;
  AppendJsonString(s.size() > 64 ? s.substr(0, 64) : s, &out);
  if (s.size() > 64) out.insert(out.size() - 1, "...");
  return out;
}

template <typename T>
bool ParseWhole(std::string_view s, T* value) {
  if (s.empty()) return false;
  auto res = std::from_chars(s.data(), s.data() + s.size(), *value);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

// An integer read from JSON, before the range check of its field type.
struct JsonInteger {
  bool negative = false;
  uint64_t magnitude = 0;
  bool out_of_range = false;  // beyond 64 bits
};

bool IntegerFromDouble(double d, JsonInteger* out) {
  if (!std::isfinite(d) || std::trunc(d) != d) return false;
  if (d >= 18446744073709551616.0 || d <= -9223372036854775809.0) {
    out->out_of_range = true;
    return true;
  }
  out->negative = d < 0;
  out->magnitude = out->negative ? static_cast<uint64_t>(-(d + 1)) + 1 : static_cast<uint64_t>(d);
  return true;
}

// Parses an integer written as text ("42", "-7", "1e3"); false when it is not an integer.
bool IntegerFromText(std::string_view s, JsonInteger* out) {
  int64_t i;
  uint64_t u;
  if (ParseWhole(s, &i)) {
    out->negative = i < 0;
    out->magnitude = i < 0 ? static_cast<uint64_t>(-(i + 1)) + 1 : static_cast<uint64_t>(i);
    return true;
  }
  if (ParseWhole(s, &u)) {
    out->magnitude = u;
    return true;
  }
  double d;
  if (!ParseWhole(s, &d)) {
    // from_chars refuses out-of-range doubles; an all-digit text is still an integer.
    size_t start = s[0] == '-' ? 1 : 0;
    if (start == s.size()) return false;
    for (size_t k = start; k < s.size(); ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
    }
    out->out_of_range = true;
    return true;
  }
  return IntegerFromDouble(d, out);
}

class Reader {
 public:
  Reader(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  absl::Status ReadDocument(od::document& doc, Message* message) {
    od::json_type type;
    if (auto e = doc.type().get(type)) return SyntaxError(e);
    if (type != od::json_type::object) {
      if (auto found = FindJsonSyntaxError(text_, max_depth_)) return *found;
      return path_.Error(Cat("expected a JSON object at the top level, got ",
                                      KindName(type)));
    }
    od::object object;
    if (auto e = doc.get_object().get(object)) return SyntaxError(e);
    const MessageTable& table = GetMessageTable(message->GetDescriptor());
    if (table.well_known != WellKnownType::kNone) {
      // A well-known type at the top level (a JSON object: Struct, Value, Empty or Any).
      return ReadWellKnownTopLevel(object, message, table);
    }
    PB_RETURN_IF_ERROR(ReadObject(object, message, table, 1));
    const char* location = nullptr;
    if (!doc.current_location().get(location)) {
      if (auto found = FindJsonSyntaxError(text_, max_depth_)) return *found;
      return path_.Error("unexpected characters after the JSON object");
    }
    return absl::OkStatus();
  }

 private:
  absl::Status SyntaxError(simdjson::error_code e) {
    if (auto found = FindJsonSyntaxError(text_, max_depth_)) return *found;
    return path_.Error(Cat("invalid JSON: ", simdjson::error_message(e)));
  }

  absl::Status TypeError(std::string_view expected, od::json_type got) {
    return path_.Error(Cat("expected ", expected, ", got ", KindName(got)));
  }

  absl::Status CheckDepth(int depth) {
    if (depth > max_depth_) return path_.Error(DepthErrorMessage(max_depth_));
    return absl::OkStatus();
  }

  absl::Status ReadWellKnownTopLevel(od::object& object, Message* message,
                                     const MessageTable& table) {
    // Only object-shaped well-known types can be a top-level JSON object.
    switch (table.well_known) {
      case WellKnownType::kStruct:
        return WithGenerated<Struct>(message, [&](Struct* s) { return ReadStruct(object, s, 1); });
      case WellKnownType::kEmpty:
        return ReadObject(object, message, table, 1);
      case WellKnownType::kValue:
        return WithGenerated<Value>(message, [&](Value* v) {
          return ReadStruct(object, v->mutable_struct_value(), 1);
        });
      case WellKnownType::kAny: {
        std::string_view raw;
        if (auto e = object.raw_json().get(raw)) return SyntaxError(e);
        return ReadWithUtil(raw, message);
      }
      default:
        return path_.Error(Cat("a JSON object cannot hold ",
                                        table.descriptor->full_name()));
    }
  }

  template <typename T, typename F>
  absl::Status WithGenerated(Message* m, F read) {
    if (m->GetReflection() == T::GetReflection()) return read(static_cast<T*>(m));
    T copy;
    PB_RETURN_IF_ERROR(read(&copy));
    m->Clear();
    m->ParsePartialFromString(copy.SerializePartialAsString());
    return absl::OkStatus();
  }

  absl::Status ReadWithUtil(std::string_view raw, Message* m) {
    google::protobuf::util::JsonParseOptions options;
    auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(raw.data(), raw.size()), m, options);
    if (status.ok()) return absl::OkStatus();
    return path_.Error(status.message().as_string());
  }

  // Reads the members of `object` (at nesting `depth`) into `m`, a regular message.
  absl::Status ReadObject(od::object& object, Message* m, const MessageTable& table, int depth) {
    const Reflection* r = m->GetReflection();
    const int field_count = static_cast<int>(table.fields.size());
    absl::InlinedVector<uint64_t, 2> seen((field_count + 63) / 64, 0);
    absl::InlinedVector<const FieldDescriptor*, 4> oneof_set(
        table.descriptor->oneof_decl_count(), nullptr);
    for (auto member : object) {
      od::field field;
      if (auto e = std::move(member).get(field)) return SyntaxError(e);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return SyntaxError(e);
      path_.PushKey(key);
      auto it = table.by_name.find(key);
      if (it == table.by_name.end()) {
        return path_.Error(Cat("unknown field ", Quote(key), " in ",
                                        table.descriptor->full_name()));
      }
      const FieldTable& f = *it->second;
      const int index = static_cast<int>(&f - table.fields.data());
      if (seen[index / 64] & (uint64_t{1} << (index % 64))) {
        return path_.Error(Cat("field ", Quote(f.field->name()), " given twice"));
      }
      seen[index / 64] |= uint64_t{1} << (index % 64);
      od::value value = field.value();
      od::json_type type;
      if (auto e = value.type().get(type)) return SyntaxError(e);
      if (const google::protobuf::OneofDescriptor* oneof = f.field->containing_oneof();
          oneof != nullptr && type != od::json_type::null) {
        const FieldDescriptor*& set = oneof_set[oneof->index()];
        if (set != nullptr) {
          return path_.Error(Cat("oneof ", Quote(oneof->name()),
                                          " already has field ", Quote(set->name()), " set"));
        }
        set = f.field;
      }
      PB_RETURN_IF_ERROR(ReadField(value, type, m, r, f, depth));
      path_.Pop();
    }
    return absl::OkStatus();
  }

  absl::Status ReadField(od::value& value, od::json_type type, Message* m, const Reflection* r,
                         const FieldTable& f, int depth) {
    const FieldDescriptor* fd = f.field;
    if (type == od::json_type::null) {
      PB_RETURN_IF_ERROR(ExpectNull(value));
      if (!fd->is_repeated() && f.message != nullptr &&
          f.message->well_known == WellKnownType::kValue) {
        Message* sub = r->MutableMessage(m, fd);
        return WithGenerated<Value>(sub, [](Value* v) {
          v->set_null_value(google::protobuf::NULL_VALUE);
          return absl::OkStatus();
        });
      }
      if (f.is_null_value_enum && !fd->is_repeated()) {
        r->SetEnumValue(m, fd, 0);
        return absl::OkStatus();
      }
      r->ClearField(m, fd);
      return absl::OkStatus();
    }
    if (f.is_map) return ReadMap(value, type, m, r, f, depth);
    if (fd->is_repeated()) return ReadRepeated(value, type, m, r, f, depth);
    if (f.message != nullptr) {
      return ReadMessage(value, type, r->MutableMessage(m, fd), *f.message, depth);
    }
    return ReadScalar(value, type, m, r, fd, false);
  }

  absl::Status ExpectNull(od::value& value) {
    bool is_null = false;
    if (auto e = value.is_null().get(is_null)) return SyntaxError(e);
    if (!is_null) return SyntaxError(simdjson::N_ATOM_ERROR);
    return absl::OkStatus();
  }

  // `value` (not null) is the JSON of message `m`, found at nesting `depth` of its parent.
  absl::Status ReadMessage(od::value& value, od::json_type type, Message* m,
                           const MessageTable& table, int depth) {
    switch (table.well_known) {
      case WellKnownType::kNone:
      case WellKnownType::kEmpty: {
        if (type != od::json_type::object) return TypeError("object", type);
        PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
        od::object object;
        if (auto e = value.get_object().get(object)) return SyntaxError(e);
        return ReadObject(object, m, table, depth + 1);
      }
      case WellKnownType::kStruct: {
        if (type != od::json_type::object) return TypeError("object", type);
        return WithGenerated<Struct>(m, [&](Struct* s) {
          PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
          od::object object;
          if (auto e = value.get_object().get(object)) return SyntaxError(e);
          return ReadStruct(object, s, depth + 1);
        });
      }
      case WellKnownType::kValue:
        return WithGenerated<Value>(
            m, [&](Value* v) { return ReadValue(value, type, v, depth); });
      case WellKnownType::kListValue: {
        if (type != od::json_type::array) return TypeError("array", type);
        return WithGenerated<ListValue>(m, [&](ListValue* l) {
          PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
          od::array array;
          if (auto e = value.get_array().get(array)) return SyntaxError(e);
          return ReadList(array, l, depth + 1);
        });
      }
      case WellKnownType::kTimestamp:
      case WellKnownType::kDuration: {
        bool timestamp = table.well_known == WellKnownType::kTimestamp;
        if (type != od::json_type::string) {
          return TypeError(timestamp ? "an RFC 3339 timestamp string" : "a duration string",
                           type);
        }
        std::string_view text;
        if (auto e = value.get_string().get(text)) return SyntaxError(e);
        int64_t seconds = 0;
        int32_t nanos = 0;
        bool ok = timestamp ? ParseTimestamp(text, &seconds, &nanos)
                            : ParseDuration(text, &seconds, &nanos);
        if (!ok) {
          return path_.Error(Cat(
              "invalid ", timestamp ? "timestamp " : "duration ", Quote(text),
              timestamp ? " (expected RFC 3339, e.g. \"2024-05-01T12:00:00Z\", years 0001-9999)"
                        : " (expected seconds with an \"s\" suffix, e.g. \"1.5s\")"));
        }
        const Reflection* r = m->GetReflection();
        r->SetInt64(m, table.descriptor->field(0), seconds);
        r->SetInt32(m, table.descriptor->field(1), nanos);
        return absl::OkStatus();
      }
      case WellKnownType::kAny: {
        if (type != od::json_type::object) return TypeError("object", type);
        PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
        od::object object;
        if (auto e = value.get_object().get(object)) return SyntaxError(e);
        std::string_view raw;
        if (auto e = object.raw_json().get(raw)) return SyntaxError(e);
        return ReadWithUtil(raw, m);
      }
      case WellKnownType::kFieldMask: {
        if (type != od::json_type::string) return TypeError("string", type);
        std::string_view raw = TrimRight(value.raw_json_token());
        std::string_view unused;
        if (auto e = value.get_string().get(unused)) return SyntaxError(e);
        return ReadWithUtil(raw, m);
      }
      default:  // Wrappers: the JSON of their single field.
        return ReadScalar(value, type, m, m->GetReflection(), table.descriptor->field(0), false);
    }
  }

  absl::Status ReadRepeated(od::value& value, od::json_type type, Message* m,
                            const Reflection* r, const FieldTable& f, int depth) {
    if (type != od::json_type::array) return TypeError("array", type);
    PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
    od::array array;
    if (auto e = value.get_array().get(array)) return SyntaxError(e);
    const FieldDescriptor* fd = f.field;
    int64_t index = 0;
    for (auto item : array) {
      od::value element;
      if (auto e = std::move(item).get(element)) return SyntaxError(e);
      path_.PushIndex(index++);
      od::json_type element_type;
      if (auto e = element.type().get(element_type)) return SyntaxError(e);
      if (f.message != nullptr) {
        if (element_type == od::json_type::null &&
            f.message->well_known != WellKnownType::kValue) {
          PB_RETURN_IF_ERROR(ExpectNull(element));
          return path_.Error("null is not allowed in a repeated field");
        }
        PB_RETURN_IF_ERROR(
            ReadMessage(element, element_type, r->AddMessage(m, fd), *f.message, depth + 1));
      } else {
        PB_RETURN_IF_ERROR(ReadScalar(element, element_type, m, r, fd, true));
      }
      path_.Pop();
    }
    return absl::OkStatus();
  }

  absl::Status ReadMap(od::value& value, od::json_type type, Message* m, const Reflection* r,
                       const FieldTable& f, int depth) {
    if (type != od::json_type::object) return TypeError("object", type);
    PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
    od::object object;
    if (auto e = value.get_object().get(object)) return SyntaxError(e);
    const FieldTable& key_field = f.message->fields[0];
    const FieldTable& value_field = f.message->fields[1];
    absl::flat_hash_set<std::string> keys;
    for (auto member : object) {
      od::field field;
      if (auto e = std::move(member).get(field)) return SyntaxError(e);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return SyntaxError(e);
      path_.PushKey(key);
      Message* entry = r->AddMessage(m, f.field);
      const Reflection* er = entry->GetReflection();
      PB_RETURN_IF_ERROR(SetMapKey(key, entry, er, key_field.field, &keys));
      od::value item = field.value();
      od::json_type item_type;
      if (auto e = item.type().get(item_type)) return SyntaxError(e);
      PB_RETURN_IF_ERROR(ReadField(item, item_type, entry, er, value_field, depth + 1));
      path_.Pop();
    }
    return absl::OkStatus();
  }

  absl::Status SetMapKey(std::string_view key, Message* entry, const Reflection* r,
                         const FieldDescriptor* fd, absl::flat_hash_set<std::string>* keys) {
    std::string canonical;
    switch (fd->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        canonical = std::string(key);
        r->SetString(entry, fd, canonical);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (key != "true" && key != "false") {
          return path_.Error(Cat("invalid map key ", Quote(key),
                                          ": expected \"true\" or \"false\""));
        }
        canonical = std::string(key);
        r->SetBool(entry, fd, key == "true");
        break;
      default: {
        JsonInteger n;
        if (!IntegerFromText(key, &n)) {
          return path_.Error(Cat("invalid map key ", Quote(key), ": expected ",
                                          fd->type_name()));
        }
        PB_RETURN_IF_ERROR(SetInteger(n, key, entry, r, fd, false));
        canonical = Cat(n.negative ? "-" : "", n.magnitude);
        break;
      }
    }
    if (!keys->insert(std::move(canonical)).second) {
      return path_.Error(Cat("duplicate map key ", Quote(key)));
    }
    return absl::OkStatus();
  }

  absl::Status ReadStruct(od::object& object, Struct* s, int depth) {
    auto* fields = s->mutable_fields();
    for (auto member : object) {
      od::field field;
      if (auto e = std::move(member).get(field)) return SyntaxError(e);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return SyntaxError(e);
      path_.PushKey(key);
      auto [it, inserted] = fields->try_emplace(std::string(key));
      if (!inserted) return path_.Error(Cat("duplicate key ", Quote(key)));
      od::value item = field.value();
      od::json_type type;
      if (auto e = item.type().get(type)) return SyntaxError(e);
      PB_RETURN_IF_ERROR(ReadValue(item, type, &it->second, depth));
      path_.Pop();
    }
    return absl::OkStatus();
  }

  absl::Status ReadList(od::array& array, ListValue* l, int depth) {
    int64_t index = 0;
    for (auto item : array) {
      od::value element;
      if (auto e = std::move(item).get(element)) return SyntaxError(e);
      path_.PushIndex(index++);
      od::json_type type;
      if (auto e = element.type().get(type)) return SyntaxError(e);
      PB_RETURN_IF_ERROR(ReadValue(element, type, l->add_values(), depth));
      path_.Pop();
    }
    return absl::OkStatus();
  }

  // Any JSON into a google.protobuf.Value; `depth` is the nesting of the value's container.
  absl::Status ReadValue(od::value& value, od::json_type type, Value* v, int depth) {
    switch (type) {
      case od::json_type::null:
        PB_RETURN_IF_ERROR(ExpectNull(value));
        v->set_null_value(google::protobuf::NULL_VALUE);
        return absl::OkStatus();
      case od::json_type::boolean: {
        bool b;
        if (auto e = value.get_bool().get(b)) return SyntaxError(e);
        v->set_bool_value(b);
        return absl::OkStatus();
      }
      case od::json_type::number: {
        double d;
        PB_RETURN_IF_ERROR(ReadDoubleNumber(value, "double", &d));
        v->set_number_value(d);
        return absl::OkStatus();
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto e = value.get_string().get(s)) return SyntaxError(e);
        v->set_string_value(std::string(s));
        return absl::OkStatus();
      }
      case od::json_type::object: {
        PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
        od::object object;
        if (auto e = value.get_object().get(object)) return SyntaxError(e);
        return ReadStruct(object, v->mutable_struct_value(), depth + 1);
      }
      case od::json_type::array: {
        PB_RETURN_IF_ERROR(CheckDepth(depth + 1));
        od::array array;
        if (auto e = value.get_array().get(array)) return SyntaxError(e);
        return ReadList(array, v->mutable_list_value(), depth + 1);
      }
    }
    return absl::OkStatus();
  }

  absl::Status ReadDoubleNumber(od::value& value, std::string_view type_name, double* d) {
    std::string_view raw = TrimRight(value.raw_json_token());
    if (value.get_double().get(*d) != simdjson::SUCCESS) {
      if (auto found = FindJsonSyntaxError(text_, max_depth_)) return *found;
      return path_.Error(Cat("value ", raw, " out of range for ", type_name));
    }
    return absl::OkStatus();
  }

  absl::Status ReadInteger(od::value& value, od::json_type type, const FieldDescriptor* fd,
                           JsonInteger* n, std::string_view* text) {
    if (type == od::json_type::string) {
      if (auto e = value.get_string().get(*text)) return SyntaxError(e);
      if (!IntegerFromText(*text, n)) {
        return path_.Error(Cat("invalid ", fd->type_name(), " ", Quote(*text)));
      }
      return absl::OkStatus();
    }
    if (type != od::json_type::number) return TypeError(fd->type_name(), type);
    *text = TrimRight(value.raw_json_token());
    od::number number;
    if (value.get_number().get(number) == simdjson::SUCCESS) {
      switch (number.get_number_type()) {
        case od::number_type::signed_integer: {
          int64_t i = number.get_int64();
          n->negative = i < 0;
          n->magnitude = i < 0 ? static_cast<uint64_t>(-(i + 1)) + 1 : static_cast<uint64_t>(i);
          return absl::OkStatus();
        }
        case od::number_type::unsigned_integer:
          n->magnitude = number.get_uint64();
          return absl::OkStatus();
        case od::number_type::floating_point_number:
          if (!IntegerFromDouble(number.get_double(), n)) {
            return path_.Error(Cat("expected an integer for ", fd->type_name(),
                                            ", got ", *text));
          }
          return absl::OkStatus();
      }
    }
    // Integers beyond 64 bits and huge exponents: valid JSON, out of range for any integer.
    if (auto found = FindJsonSyntaxError(text_, max_depth_)) return *found;
    n->out_of_range = true;
    return absl::OkStatus();
  }

  absl::Status SetInteger(const JsonInteger& n, std::string_view text, Message* m,
                          const Reflection* r, const FieldDescriptor* fd, bool add) {
    auto range_error = [&] {
      return path_.Error(Cat("value ", text, " out of range for ", fd->type_name()));
    };
    if (n.out_of_range) return range_error();
    switch (fd->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        if (n.negative ? n.magnitude > uint64_t{1} << 31 : n.magnitude > INT32_MAX) {
          return range_error();
        }
        int32_t v = n.negative ? static_cast<int32_t>(0 - n.magnitude)
                               : static_cast<int32_t>(n.magnitude);
        add ? r->AddInt32(m, fd, v) : r->SetInt32(m, fd, v);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        if (n.negative ? n.magnitude > uint64_t{1} << 63 : n.magnitude > INT64_MAX) {
          return range_error();
        }
        int64_t v = n.negative ? static_cast<int64_t>(0 - n.magnitude)
                               : static_cast<int64_t>(n.magnitude);
        add ? r->AddInt64(m, fd, v) : r->SetInt64(m, fd, v);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        if ((n.negative && n.magnitude != 0) || n.magnitude > UINT32_MAX) return range_error();
        uint32_t v = static_cast<uint32_t>(n.magnitude);
        add ? r->AddUInt32(m, fd, v) : r->SetUInt32(m, fd, v);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        if (n.negative && n.magnitude != 0) return range_error();
        add ? r->AddUInt64(m, fd, n.magnitude) : r->SetUInt64(m, fd, n.magnitude);
        return absl::OkStatus();
      }
      default:
        return path_.Error("internal: not an integer field");
    }
  }

  absl::Status ReadFloating(od::value& value, od::json_type type, const FieldDescriptor* fd,
                            double* d) {
    std::string_view text;
    if (type == od::json_type::string) {
      if (auto e = value.get_string().get(text)) return SyntaxError(e);
      if (text == "NaN") {
        *d = std::numeric_limits<double>::quiet_NaN();
      } else if (text == "Infinity") {
        *d = std::numeric_limits<double>::infinity();
      } else if (text == "-Infinity") {
        *d = -std::numeric_limits<double>::infinity();
      } else if (!ParseWhole(text, d)) {
        return path_.Error(Cat("invalid ", fd->type_name(), " ", Quote(text)));
      }
      return absl::OkStatus();
    }
    if (type != od::json_type::number) return TypeError(fd->type_name(), type);
    text = TrimRight(value.raw_json_token());
    PB_RETURN_IF_ERROR(ReadDoubleNumber(value, fd->type_name(), d));
    constexpr double kFloatMax = std::numeric_limits<float>::max();
    if (fd->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT && std::fabs(*d) > kFloatMax) {
      // FLT_MAX prints as 3.40282347e+38, a little above it: what rounds to it is accepted.
      constexpr double kHalfUlpAboveMax = 0x1p103;
      if (std::fabs(*d) >= kFloatMax + kHalfUlpAboveMax) {
        return path_.Error(Cat("value ", text, " out of range for float"));
      }
      *d = *d > 0 ? kFloatMax : -kFloatMax;
    }
    return absl::OkStatus();
  }

  absl::Status ReadScalar(od::value& value, od::json_type type, Message* m, const Reflection* r,
                          const FieldDescriptor* fd, bool add) {
    switch (fd->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        JsonInteger n;
        std::string_view text;
        PB_RETURN_IF_ERROR(ReadInteger(value, type, fd, &n, &text));
        return SetInteger(n, text, m, r, fd, add);
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double d;
        PB_RETURN_IF_ERROR(ReadFloating(value, type, fd, &d));
        add ? r->AddDouble(m, fd, d) : r->SetDouble(m, fd, d);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double d;
        PB_RETURN_IF_ERROR(ReadFloating(value, type, fd, &d));
        float f = static_cast<float>(d);
        add ? r->AddFloat(m, fd, f) : r->SetFloat(m, fd, f);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        if (type != od::json_type::boolean) return TypeError("boolean", type);
        bool b;
        if (auto e = value.get_bool().get(b)) return SyntaxError(e);
        add ? r->AddBool(m, fd, b) : r->SetBool(m, fd, b);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        bool bytes = fd->type() == FieldDescriptor::TYPE_BYTES;
        if (type != od::json_type::string) {
          return TypeError(bytes ? "a base64 string" : "string", type);
        }
        std::string_view s;
        if (auto e = value.get_string().get(s)) return SyntaxError(e);
        std::string stored;
        if (bytes) {
          if (!DecodeBase64(s, &stored)) {
            return path_.Error(Cat("invalid base64 ", Quote(s)));
          }
        } else {
          stored.assign(s.data(), s.size());
        }
        add ? r->AddString(m, fd, std::move(stored)) : r->SetString(m, fd, std::move(stored));
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const google::protobuf::EnumDescriptor* enum_type = fd->enum_type();
        int number;
        if (type == od::json_type::string) {
          std::string_view name;
          if (auto e = value.get_string().get(name)) return SyntaxError(e);
          const google::protobuf::EnumValueDescriptor* ev =
              enum_type->FindValueByName(std::string(name));
          if (ev == nullptr) {
            return path_.Error(Cat("unknown value ", Quote(name), " for enum ",
                                            enum_type->full_name()));
          }
          number = ev->number();
        } else if (type == od::json_type::number) {
          JsonInteger n;
          std::string_view text;
          PB_RETURN_IF_ERROR(ReadInteger(value, type, fd, &n, &text));
          if (n.out_of_range || (n.negative ? n.magnitude > uint64_t{1} << 31
                                            : n.magnitude > INT32_MAX)) {
            return path_.Error(Cat("value ", text, " out of range for enum ",
                                            enum_type->full_name()));
          }
          number = n.negative ? static_cast<int32_t>(0 - n.magnitude)
                              : static_cast<int32_t>(n.magnitude);
          if (enum_type->file()->syntax() != google::protobuf::FileDescriptor::SYNTAX_PROTO3 &&
              enum_type->FindValueByNumber(number) == nullptr) {
            return path_.Error(Cat("unknown value ", text, " for enum ",
                                            enum_type->full_name()));
          }
        } else {
          return TypeError(Cat("a ", enum_type->full_name(), " name or number"), type);
        }
        add ? r->AddEnumValue(m, fd, number) : r->SetEnumValue(m, fd, number);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
    return path_.Error("internal: not a scalar field");
  }

  std::string_view text_;
  int max_depth_;
  JsonPath path_;
};

// One parser and one padded copy of the input per thread: simdjson needs SIMDJSON_PADDING
// readable bytes after the text, and a parser reused across calls keeps its buffers.
struct ThreadState {
  od::parser parser;
  std::string buffer;
};

}  // namespace

absl::Status JsonToMessage(std::string_view json, google::protobuf::Message* message,
                           const JsonParseOptions& options) {
  thread_local ThreadState state;
  message->Clear();
  int max_depth = std::max(1, std::min(options.max_depth, kMaxSupportedDepth));
  state.buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  state.buffer.assign(json.data(), json.size());
  simdjson::padded_string_view padded(state.buffer.data(), json.size(),
                                      state.buffer.capacity());
  absl::Status status;
  {
    Reader reader(json, max_depth);
    od::document doc;
    if (auto e = state.parser.iterate(padded).get(doc)) {
      auto found = FindJsonSyntaxError(json, max_depth);
      status = found ? *found
                     : absl::InvalidArgumentError(Cat("invalid JSON: ", simdjson::error_message(e)));
    } else {
      status = reader.ReadDocument(doc, message);
    }
  }
  // A rare large request must not pin its buffers to the thread for good.
  constexpr size_t kKeepBuffersUpTo = size_t{1} << 20;
  if (json.size() > kKeepBuffersUpTo) {
    state.buffer = std::string();
    state.parser = od::parser();
  }
  return status;
}

}  // namespace pipebridge::transcoding
