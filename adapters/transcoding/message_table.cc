#include "adapters/transcoding/message_table.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

#include "adapters/transcoding/json_writer.h"

namespace pipebridge::transcoding {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

WellKnownType ClassifyWellKnown(const Descriptor* d) {
  if (d->file()->package() != "google.protobuf") return WellKnownType::kNone;
  static const auto* const kByName = new absl::flat_hash_map<std::string_view, WellKnownType>{
      {"google.protobuf.Any", WellKnownType::kAny},
      {"google.protobuf.Struct", WellKnownType::kStruct},
      {"google.protobuf.Value", WellKnownType::kValue},
      {"google.protobuf.ListValue", WellKnownType::kListValue},
      {"google.protobuf.Timestamp", WellKnownType::kTimestamp},
      {"google.protobuf.Duration", WellKnownType::kDuration},
      {"google.protobuf.FieldMask", WellKnownType::kFieldMask},
      {"google.protobuf.Empty", WellKnownType::kEmpty},
      {"google.protobuf.DoubleValue", WellKnownType::kDoubleValue},
      {"google.protobuf.FloatValue", WellKnownType::kFloatValue},
      {"google.protobuf.Int64Value", WellKnownType::kInt64Value},
      {"google.protobuf.UInt64Value", WellKnownType::kUInt64Value},
      {"google.protobuf.Int32Value", WellKnownType::kInt32Value},
      {"google.protobuf.UInt32Value", WellKnownType::kUInt32Value},
      {"google.protobuf.BoolValue", WellKnownType::kBoolValue},
      {"google.protobuf.StringValue", WellKnownType::kStringValue},
      {"google.protobuf.BytesValue", WellKnownType::kBytesValue},
  };
  auto it = kByName->find(d->full_name());
  return it == kByName->end() ? WellKnownType::kNone : it->second;
}

// util renders these as a JSON object, in the slot it pre-populated for the field; every other
// well-known type renders as a scalar or an array and lands after the pre-populated fields.
bool RendersAsObject(WellKnownType t) {
  return t == WellKnownType::kNone || t == WellKnownType::kStruct || t == WellKnownType::kAny ||
         t == WellKnownType::kEmpty;
}

using Snapshot = absl::flat_hash_map<const Descriptor*, const MessageTable*>;

// Tables are immutable once published. Readers load the current snapshot without a lock; a
// miss builds the missing tables under the mutex and publishes a new snapshot. Old snapshots
// stay alive (readers may still hold them); there is one per distinct root type at most.
struct Registry {
  std::atomic<const Snapshot*> current{nullptr};
  std::mutex mu;
  std::deque<std::unique_ptr<MessageTable>> tables;
  std::deque<std::unique_ptr<Snapshot>> snapshots;
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

void FillTable(MessageTable* table, const Snapshot& known,
               const absl::flat_hash_map<const Descriptor*, MessageTable*>& fresh) {
  const Descriptor* d = table->descriptor;
  table->fields.resize(d->field_count());
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    FieldTable& ft = table->fields[i];
    ft.field = f;
    AppendJsonString(f->json_name(), &ft.json_key);
    ft.json_key.push_back(':');
    ft.is_map = f->is_map();
    ft.in_oneof = f->containing_oneof() != nullptr;
    ft.is_null_value_enum = f->type() == FieldDescriptor::TYPE_ENUM &&
                            f->enum_type()->full_name() == "google.protobuf.NullValue";
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      const Descriptor* md = f->message_type();
      auto it = fresh.find(md);
      ft.message = it != fresh.end() ? it->second : known.at(md);
    }
  }
  for (const FieldTable& ft : table->fields) {
    table->by_name.emplace(ft.field->json_name(), &ft);
    table->by_name.emplace(ft.field->name(), &ft);
    // util skips scalar oneof members (and proto3 `optional` scalars) when pre-populating, but
    // not message-typed oneof members.
    if (ft.in_oneof && ft.message == nullptr) {
      table->appended.push_back(&ft);
      continue;
    }
    bool singular_message = !ft.field->is_repeated() && ft.message != nullptr;
    WellKnownType wkt = singular_message ? ft.message->well_known : WellKnownType::kNone;
    // A Value renders as an object (in place) or as anything else (appended): it has both.
    if (!singular_message || RendersAsObject(wkt) || wkt == WellKnownType::kValue) {
      table->in_place.push_back(&ft);
    }
    if (singular_message && !RendersAsObject(wkt)) table->appended.push_back(&ft);
  }
  std::sort(table->appended.begin(), table->appended.end(),
            [](const FieldTable* a, const FieldTable* b) {
              return a->field->number() < b->field->number();
            });
}

}  // namespace

const MessageTable& GetMessageTable(const Descriptor* descriptor) {
  Registry& registry = GetRegistry();
  if (const Snapshot* snap = registry.current.load(std::memory_order_acquire)) {
    auto it = snap->find(descriptor);
    if (it != snap->end()) return *it->second;
  }
  std::lock_guard<std::mutex> lock(registry.mu);
  const Snapshot* old = registry.current.load(std::memory_order_acquire);
  static const Snapshot kEmpty;
  const Snapshot& known = old ? *old : kEmpty;
  if (auto it = known.find(descriptor); it != known.end()) return *it->second;

  // Every message type reachable from `descriptor` that has no table yet.
  absl::flat_hash_map<const Descriptor*, MessageTable*> fresh;
  std::vector<const Descriptor*> pending = {descriptor};
  while (!pending.empty()) {
    const Descriptor* d = pending.back();
    pending.pop_back();
    if (known.contains(d) || fresh.contains(d)) continue;
    registry.tables.push_back(std::make_unique<MessageTable>());
    MessageTable* table = registry.tables.back().get();
    table->descriptor = d;
    table->well_known = ClassifyWellKnown(d);
    fresh.emplace(d, table);
    for (int i = 0; i < d->field_count(); ++i) {
      if (const Descriptor* md = d->field(i)->message_type()) pending.push_back(md);
    }
  }
  for (auto& [d, table] : fresh) FillTable(table, known, fresh);

  registry.snapshots.push_back(std::make_unique<Snapshot>(known));
  Snapshot* next = registry.snapshots.back().get();
  for (auto& [d, table] : fresh) next->emplace(d, table);
  registry.current.store(next, std::memory_order_release);
  return *next->at(descriptor);
}

}  // namespace pipebridge::transcoding
