#include "tests/transcoding/random_message.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace pipebridge::transcoding::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Pieces strings are made of: plain text plus everything util escapes or might mishandle.
const char* const kStringPieces[] = {
    "a", "Shot", "sh010", " ", "0", "_", "&", "<", ">", "\"", "\\", "/", "'", "\n", "\t", "\r",
    "\b", "\f", "\x01", "\x1f", "\x7f", "\xc2\x80", "\xc2\x9f", "\xc2\xa0", "\xc2\xad", "é",
    "ß", "Ω", "日本", "\xd8\x80", "\xdb\x9d", "\xdc\x8f", "\xe1\x9e\xb4", "\xe2\x80\x8b",
    "\xe2\x80\x8f", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xae", "\xe2\x81\xa0",
    "\xe2\x81\xaf", "\xef\xbb\xbf", "\xef\xbf\xb9", "\xef\xbf\xbd", "\xf0\x9f\x98\x80",
    "\xf0\x9d\x85\xb3", "\xf3\xa0\x80\x81", "\xf3\xa0\x81\xbf", "\xf4\x8f\xbf\xbf", "—",
};

}  // namespace

std::string RandomMessageFiller::RandomString() {
  std::string s;
  int pieces = Uniform(0, 3) == 0 ? 0 : Uniform(1, 12);
  constexpr int kCount = sizeof(kStringPieces) / sizeof(kStringPieces[0]);
  for (int i = 0; i < pieces; ++i) s += kStringPieces[Uniform(0, kCount - 1)];
  return s;
}

std::string RandomMessageFiller::RandomBytes() {
  std::string s(static_cast<size_t>(Uniform(0, 20)), '\0');
  for (char& c : s) c = static_cast<char>(Uniform(0, 255));
  return s;
}

int64_t RandomMessageFiller::RandomInt64() {
  switch (Uniform(0, 6)) {
    case 0: return 0;
    case 1: return std::numeric_limits<int64_t>::min();
    case 2: return std::numeric_limits<int64_t>::max();
    case 3: return -1;
    case 4: return Uniform(-1000, 1000);
    case 5: return (int64_t{1} << 53) + 1;
    default: return static_cast<int64_t>(rng_());
  }
}

uint64_t RandomMessageFiller::RandomUint64() {
  switch (Uniform(0, 3)) {
    case 0: return 0;
    case 1: return std::numeric_limits<uint64_t>::max();
    case 2: return static_cast<uint64_t>(Uniform(0, 1000));
    default: return rng_();
  }
}

int32_t RandomMessageFiller::RandomInt32() {
  switch (Uniform(0, 4)) {
    case 0: return 0;
    case 1: return std::numeric_limits<int32_t>::min();
    case 2: return std::numeric_limits<int32_t>::max();
    case 3: return Uniform(-100, 100);
    default: return static_cast<int32_t>(rng_());
  }
}

uint32_t RandomMessageFiller::RandomUint32() {
  switch (Uniform(0, 2)) {
    case 0: return 0;
    case 1: return std::numeric_limits<uint32_t>::max();
    default: return static_cast<uint32_t>(rng_());
  }
}

double RandomMessageFiller::RandomDouble(bool allow_special) {
  int choice = Uniform(0, allow_special ? 15 : 12);
  switch (choice) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return 0.1;
    case 3: return 1.0 / 3.0;
    case 4: return 1e300;
    case 5: return -1.7976931348623157e308;
    case 6: return 5e-324;
    case 7: return 123456789012345680000.0;
    case 8: return static_cast<double>(Uniform(-100000, 100000));
    case 9: return 1e15;
    case 10: return 1e16 + 2;
    case 11: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
    case 12: {
      uint64_t bits = rng_();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return std::isfinite(d) ? d : 2.5;
    }
    case 13: return std::numeric_limits<double>::quiet_NaN();
    case 14: return std::numeric_limits<double>::infinity();
    default: return -std::numeric_limits<double>::infinity();
  }
}

float RandomMessageFiller::RandomFloat() {
  switch (Uniform(0, 10)) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return 0.1f;
    case 3: return std::numeric_limits<float>::max();
    case 4: return -std::numeric_limits<float>::max();
    case 5: return std::numeric_limits<float>::denorm_min();
    case 6: return std::numeric_limits<float>::quiet_NaN();
    case 7: return std::numeric_limits<float>::infinity();
    case 8: return static_cast<float>(Uniform(-1000, 1000)) / 8;
    case 9: {
      uint32_t bits = static_cast<uint32_t>(rng_());
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return std::isfinite(f) ? f : 1.5f;
    }
    default: return std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng_);
  }
}

std::string RandomMessageFiller::RandomFieldPath() {
  // Lower-case words joined by single underscores and dots: what util's FieldMask JSON form
  // (lowerCamel, comma separated) carries both ways.
  static const char* const kWords[] = {"entity", "type", "id", "code", "sg", "name", "path"};
  std::string path;
  int segments = Uniform(1, 3);
  for (int s = 0; s < segments; ++s) {
    if (s > 0) path += '.';
    int words = Uniform(1, 3);
    for (int w = 0; w < words; ++w) {
      if (w > 0) path += '_';
      path += kWords[Uniform(0, 6)];
    }
  }
  return path;
}

void RandomMessageFiller::FillValue(google::protobuf::Value* value, int depth) {
  int kinds = depth >= 3 ? 4 : 6;
  if (options_.allow_lossy_values && Chance(0.1)) return;  // kind not set
  switch (Uniform(0, kinds - 1)) {
    case 0: value->set_null_value(google::protobuf::NULL_VALUE); break;
    case 1: value->set_number_value(RandomDouble(options_.allow_lossy_values)); break;
    case 2: value->set_string_value(RandomString()); break;
    case 3: value->set_bool_value(Chance(0.5)); break;
    case 4: {
      auto* fields = value->mutable_struct_value()->mutable_fields();
      int n = Uniform(0, 4);
      for (int i = 0; i < n; ++i) FillValue(&(*fields)[RandomString()], depth + 1);
      break;
    }
    default: {
      auto* list = value->mutable_list_value();
      int n = Uniform(0, 4);
      for (int i = 0; i < n; ++i) FillValue(list->add_values(), depth + 1);
      break;
    }
  }
}

bool RandomMessageFiller::FillWellKnown(Message* message, int depth) {
  const Descriptor* d = message->GetDescriptor();
  const std::string& name = d->full_name();
  const Reflection* r = message->GetReflection();
  if (name == "google.protobuf.Struct") {
    auto* s = static_cast<google::protobuf::Struct*>(message);
    int n = Uniform(0, 5);
    for (int i = 0; i < n; ++i) FillValue(&(*s->mutable_fields())[RandomString()], 1);
  } else if (name == "google.protobuf.Value") {
    auto* v = static_cast<google::protobuf::Value*>(message);
    do {
      FillValue(v, 0);
    } while (!options_.allow_lossy_values && v->kind_case() == google::protobuf::Value::KIND_NOT_SET);
  } else if (name == "google.protobuf.ListValue") {
    auto* l = static_cast<google::protobuf::ListValue*>(message);
    int n = Uniform(0, 4);
    for (int i = 0; i < n; ++i) FillValue(l->add_values(), 1);
  } else if (name == "google.protobuf.Timestamp") {
    auto* t = static_cast<google::protobuf::Timestamp*>(message);
    switch (Uniform(0, 3)) {
      case 0: t->set_seconds(-62135596800); break;
      case 1: t->set_seconds(253402300799); t->set_nanos(999999999); break;
      default:
        t->set_seconds(std::uniform_int_distribution<int64_t>(-62135596800, 253402300799)(rng_));
    }
    if (Chance(0.5)) {
      int32_t nanos = Uniform(0, 999999999);
      int scale = Uniform(0, 2);
      if (scale == 0) nanos -= nanos % 1000000;
      if (scale == 1) nanos -= nanos % 1000;
      t->set_nanos(nanos);
    }
  } else if (name == "google.protobuf.Duration") {
    auto* du = static_cast<google::protobuf::Duration*>(message);
    int64_t seconds = std::uniform_int_distribution<int64_t>(-315576000000, 315576000000)(rng_);
    if (Chance(0.3)) seconds = Uniform(-2, 2);
    int32_t nanos = Chance(0.5) ? Uniform(0, 999999999) : 0;
    if (Chance(0.5)) nanos -= nanos % 1000000;
    if (seconds < 0 || (seconds == 0 && Chance(0.5))) nanos = -nanos;
    du->set_seconds(seconds);
    du->set_nanos(nanos);
  } else if (name == "google.protobuf.FieldMask") {
    auto* fm = static_cast<google::protobuf::FieldMask*>(message);
    int n = Uniform(0, 3);
    for (int i = 0; i < n; ++i) fm->add_paths(RandomFieldPath());
  } else if (name == "google.protobuf.Any") {
    if (Chance(0.7)) {
      google::protobuf::Timestamp packed;
      packed.set_seconds(Uniform(0, 1000000));
      static_cast<google::protobuf::Any*>(message)->PackFrom(packed);
    }
  } else if (name == "google.protobuf.Empty") {
  } else if (d->file()->name() == "google/protobuf/wrappers.proto") {
    FillScalar(message, d->field(0), false);
  } else {
    return false;
  }
  (void)r;
  return true;
}

void RandomMessageFiller::FillMessage(Message* message, int depth) {
  if (FillWellKnown(message, depth)) return;
  const Descriptor* d = message->GetDescriptor();
  for (int i = 0; i < d->oneof_decl_count(); ++i) {
    const google::protobuf::OneofDescriptor* oneof = d->oneof_decl(i);
    if (Chance(0.3)) continue;
    const FieldDescriptor* f = oneof->field(Uniform(0, oneof->field_count() - 1));
    FillField(message, f, depth);
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->containing_oneof() != nullptr) continue;
    if (Chance(0.25)) continue;  // leave at its default / unset
    FillField(message, f, depth);
  }
}

void RandomMessageFiller::FillField(Message* message, const FieldDescriptor* f, int depth) {
  const Reflection* r = message->GetReflection();
  if (f->is_repeated()) {
    int n = Uniform(0, 3);
    for (int i = 0; i < n; ++i) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        Message* sub = r->AddMessage(message, f);
        if (f->is_map()) {
          FillScalar(sub, f->message_type()->map_key(), false);
          const FieldDescriptor* vf = f->message_type()->map_value();
          if (vf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
            Message* value = sub->GetReflection()->MutableMessage(sub, vf);
            if (vf->message_type()->full_name() == "google.protobuf.Value") {
              // Scalars only: reflection hands out copies of map values, and a copied Struct
              // iterates in another order than util's serialization of the original.
              FillValue(static_cast<google::protobuf::Value*>(value), 3);
            } else if (depth < options_.max_depth) {
              FillMessage(value, depth + 1);
            }
          } else {
            FillScalar(sub, vf, false);
          }
        } else if (depth < options_.max_depth) {
          FillMessage(sub, depth + 1);
        } else if (f->message_type()->full_name() == "google.protobuf.Value") {
          static_cast<google::protobuf::Value*>(sub)->set_bool_value(true);
        }
      } else {
        FillScalar(message, f, true);
      }
    }
    return;
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (depth >= options_.max_depth) return;
    FillMessage(r->MutableMessage(message, f), depth + 1);
    return;
  }
  FillScalar(message, f, false);
}

void RandomMessageFiller::FillScalar(Message* m, const FieldDescriptor* f, bool add) {
  const Reflection* r = m->GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = RandomInt32();
      add ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = RandomInt64();
      add ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = RandomUint32();
      add ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = RandomUint64();
      add ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v = RandomDouble(true);
      add ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v = RandomFloat();
      add ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v = Chance(0.5);
      add ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumDescriptor* e = f->enum_type();
      int v = e->value(Uniform(0, e->value_count() - 1))->number();
      if (e->full_name() != "google.protobuf.NullValue" && Chance(0.05)) v = 77;  // open enum
      add ? r->AddEnumValue(m, f, v) : r->SetEnumValue(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = f->type() == FieldDescriptor::TYPE_BYTES ? RandomBytes() : RandomString();
      add ? r->AddString(m, f, v) : r->SetString(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
}

}  // namespace pipebridge::transcoding::testing
