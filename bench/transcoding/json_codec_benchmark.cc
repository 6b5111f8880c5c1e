// JsonToMessage / MessageToJson against util::JsonStringToMessage / MessageToJsonString on the
// messages the JSON transports carry most, in one run; ends with a table of ns/op and ratios.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/transcoding/json_codec.h"
#include "google/protobuf/util/json_util.h"
#include "pipebridge/v1/bridge.pb.h"
#include "pipebridge/v1/entities.pb.h"
#include "pipebridge/v1/events.pb.h"

namespace {

using google::protobuf::Message;
namespace v1 = pipebridge::v1;

std::unique_ptr<Message> PingRequest() {
  auto m = std::make_unique<v1::PingRequest>();
  std::string payload;
  while (payload.size() < 200) payload += "pipebridge-ping-";
  payload.resize(200);
  m->set_payload(payload);
  return m;
}

google::protobuf::Value Str(const std::string& s) {
  google::protobuf::Value v;
  v.set_string_value(s);
  return v;
}

google::protobuf::Value Num(double d) {
  google::protobuf::Value v;
  v.set_number_value(d);
  return v;
}

google::protobuf::Value Link(const std::string& type, int id, const std::string& name) {
  google::protobuf::Value v;
  auto* f = v.mutable_struct_value()->mutable_fields();
  (*f)["type"] = Str(type);
  (*f)["id"] = Num(id);
  (*f)["name"] = Str(name);
  return v;
}

google::protobuf::Value Filter(const std::string& field, const std::string& relation,
                               google::protobuf::Value value) {
  google::protobuf::Value v;
  auto* l = v.mutable_list_value();
  *l->add_values() = Str(field);
  *l->add_values() = Str(relation);
  *l->add_values() = std::move(value);
  return v;
}

std::unique_ptr<Message> FindEntitiesRequest() {
  auto m = std::make_unique<v1::FindEntitiesRequest>();
  m->set_entity_type("Shot");
  *m->mutable_filters()->add_values() = Filter("sg_sequence", "is", Link("Sequence", 3, "sq010"));
  *m->mutable_filters()->add_values() = Filter("code", "starts_with", Str("sh0"));
  google::protobuf::Value statuses;
  *statuses.mutable_list_value()->add_values() = Str("ip");
  *statuses.mutable_list_value()->add_values() = Str("rev");
  *m->mutable_filters()->add_values() = Filter("sg_status_list", "in", statuses);
  m->set_filter_operator("all");
  for (const char* f : {"code", "sg_status_list", "description", "sg_sequence"}) m->add_fields(f);
  auto* order = m->add_order();
  order->set_field_name("code");
  order->set_direction(v1::SORT_DIRECTION_ASC);
  m->mutable_page()->set_limit(50);
  m->mutable_page()->set_page(1);
  return m;
}

std::unique_ptr<Message> FindEntitiesResponse() {
  auto m = std::make_unique<v1::FindEntitiesResponse>();
  for (int i = 0; i < 20; ++i) {
    auto* f = m->add_entities()->mutable_fields();
    std::string code = "sh" + std::to_string(100 + i * 10);
    (*f)["type"] = Str("Shot");
    (*f)["id"] = Num(1000 + i);
    (*f)["code"] = Str(code);
    (*f)["sg_status_list"] = Str(i % 2 ? "ip" : "fin");
    (*f)["description"] = Str("Hero walks into the frame, looks left — " + code);
    (*f)["sg_sequence"] = Link("Sequence", 3, "sq010");
    (*f)["sg_cut_in"] = Num(1001);
    (*f)["sg_cut_duration"] = Num(48.5 + i);
  }
  m->set_has_more(true);
  return m;
}

std::unique_ptr<Message> Event() {
  auto m = std::make_unique<v1::Event>();
  m->set_id(123456789);
  m->set_topic("entity.Shot.updated");
  m->mutable_time()->set_seconds(1714557600);
  m->mutable_time()->set_nanos(250000000);
  m->set_user("jdoe");
  m->mutable_project()->set_type("Project");
  m->mutable_project()->set_id(1);
  m->mutable_project()->set_name("demo");
  m->set_source_host("maya-4242");
  auto* p = m->mutable_payload()->mutable_fields();
  (*p)["entity"] = Link("Shot", 1042, "sh040");
  google::protobuf::Value change;
  (*change.mutable_struct_value()->mutable_fields())["old"] = Str("ip");
  (*change.mutable_struct_value()->mutable_fields())["new"] = Str("rev");
  google::protobuf::Value changes;
  (*changes.mutable_struct_value()->mutable_fields())["sg_status_list"] = change;
  (*p)["changes"] = changes;
  return m;
}

google::protobuf::util::JsonPrintOptions UtilPrintOptions() {
  google::protobuf::util::JsonPrintOptions o;
  o.always_print_primitive_fields = true;
  return o;
}

struct Case {
  const char* name;
  std::unique_ptr<Message> message;
  std::string json;
};

std::vector<Case>& Cases() {
  static auto* cases = [] {
    auto* v = new std::vector<Case>();
    v->push_back({"PingRequest(200B)", PingRequest(), ""});
    v->push_back({"FindEntitiesRequest(3 filters)", FindEntitiesRequest(), ""});
    v->push_back({"FindEntitiesResponse(20x8)", FindEntitiesResponse(), ""});
    v->push_back({"Event", Event(), ""});
    for (Case& c : *v) pipebridge::transcoding::MessageToJson(*c.message, &c.json);
    return v;
  }();
  return *cases;
}

void CodecParse(benchmark::State& state, const Case* c) {
  std::unique_ptr<Message> m(c->message->New());
  for (auto _ : state) {
    absl::Status s = pipebridge::transcoding::JsonToMessage(c->json, m.get());
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    benchmark::DoNotOptimize(m.get());
  }
}

void UtilParse(benchmark::State& state, const Case* c) {
  std::unique_ptr<Message> m(c->message->New());
  for (auto _ : state) {
    m->Clear();
    auto s = google::protobuf::util::JsonStringToMessage(c->json, m.get());
    if (!s.ok()) state.SkipWithError("util parse failed");
    benchmark::DoNotOptimize(m.get());
  }
}

void CodecPrint(benchmark::State& state, const Case* c) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    pipebridge::transcoding::MessageToJson(*c->message, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}

void UtilPrint(benchmark::State& state, const Case* c) {
  std::string out;
  auto options = UtilPrintOptions();
  for (auto _ : state) {
    out.clear();
    auto s = google::protobuf::util::MessageToJsonString(*c->message, &out, options);
    benchmark::DoNotOptimize(out.data());
    if (!s.ok()) state.SkipWithError("util print failed");
  }
}

// Console output as usual, plus the CPU ns/op of every run kept for the summary table (CPU
// time: the build machine is shared, wall time includes waiting for a core).
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      ns_per_op[run.benchmark_name()] = run.GetAdjustedCPUTime();
    }
  }
  std::map<std::string, double> ns_per_op;
};

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : Cases()) {
    std::string n = c.name;
    benchmark::RegisterBenchmark(("parse/" + n + "/codec").c_str(), CodecParse, &c);
    benchmark::RegisterBenchmark(("parse/" + n + "/util").c_str(), UtilParse, &c);
    benchmark::RegisterBenchmark(("print/" + n + "/codec").c_str(), CodecPrint, &c);
    benchmark::RegisterBenchmark(("print/" + n + "/util").c_str(), UtilPrint, &c);
  }
  benchmark::Initialize(&argc, argv);
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  std::printf("\n%-8s %-32s %12s %12s %8s\n", "", "message", "codec ns/op", "util ns/op",
              "util/codec");
  for (const char* direction : {"parse", "print"}) {
    for (const Case& c : Cases()) {
      std::string base = std::string(direction) + "/" + c.name;
      auto codec = reporter.ns_per_op.find(base + "/codec");
      auto util = reporter.ns_per_op.find(base + "/util");
      if (codec == reporter.ns_per_op.end() || util == reporter.ns_per_op.end()) continue;
      std::printf("%-8s %-32s %12.0f %12.0f %7.1fx\n", direction, c.name, codec->second,
                  util->second, util->second / codec->second);
    }
  }
  benchmark::Shutdown();
  return 0;
}
