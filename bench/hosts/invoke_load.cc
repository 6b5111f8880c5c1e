// Invoke round trip vs Ping, native gRPC, one server, one run. The host is a real gRPC
// client attached on a bidi stream that answers each invocation on its reading thread;
// Ping is BridgeService/Ping's handler (payload echo). Calls alternate Ping / Invoke so
// both see the same machine conditions. Usage: hosts_invoke_load [iterations] [payload bytes]
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "adapters/grpc/grpc_server.h"
#include "bridge/core/events/event_log.h"
#include "bridge/core/hosts/host_registry.h"
#include "bridge/core/sqlite/database.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/service/host_service.h"
#include "pipebridge/v1/bridge.grpc.pb.h"
#include "pipebridge/v1/hosts.grpc.pb.h"

namespace {

using namespace pipebridge;
constexpr char kToken[] = "bench-token";

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

int Fail(const char* what) {
  std::fprintf(stderr, "hosts_invoke_load: %s\n", what);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int payload_bytes = argc > 2 ? std::atoi(argv[2]) : 200;
  const int warmup = std::max(200, iterations / 10);

  char pattern[] = "/tmp/pipebridge-hosts-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return Fail("mkdtemp");
  const std::string dir = pattern;
  auto db = core::sqlite::Database::Open(dir + "/events.db");
  if (!db.ok()) return Fail("open database");
  auto log = core::events::EventLog::Open(**db);
  if (!log.ok()) return Fail("open event log");
  auto registry = std::make_unique<core::hosts::HostRegistry>();

  rpc::MethodTable table;
  if (!table.AddService(v1::PingRequest::descriptor()->file()->FindServiceByName("BridgeService")).ok() ||
      !table.AddService(v1::AttachRequest::descriptor()->file()->FindServiceByName("HostService")).ok()) {
    return Fail("add services");
  }
  // The same handler as bridge/service/bridge_service.cc's Ping.
  (void)table.SetUnary<v1::PingRequest, v1::PingResponse>(
      "pipebridge.v1.BridgeService/Ping",
      [](rpc::CallContext&, const v1::PingRequest& request, v1::PingResponse* response) {
        response->set_payload(request.payload());
        return absl::OkStatus();
      });
  // Events on: every invocation's outcome is appended, as in the server.
  if (!service::RegisterHostService(table, *registry, log->get()).ok()) return Fail("register");
  std::vector<std::unique_ptr<rpc::Interceptor>> chain;
  chain.push_back(std::make_unique<rpc::AuthInterceptor>(kToken));
  chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(rpc::DeadlinePolicy{}));
  rpc::Logger logger(rpc::LogLevel::kError);
  rpc::Dispatcher dispatcher(table, std::move(chain), logger);
  auto server = grpc_adapter::GrpcServer::Start(dispatcher, {"127.0.0.1", 0});
  if (!server.ok()) return Fail("start server");

  // The host: its own channel, answering each invocation with its args' payload.
  auto host_channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  auto host_stub = v1::HostService::NewStub(host_channel);
  grpc::ClientContext host_context;
  host_context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  auto host = host_stub->Attach(&host_context);
  {
    v1::AttachRequest hello;
    hello.mutable_hello()->set_application("bench");
    hello.mutable_hello()->add_commands()->set_name("echo");
    host->Write(hello);
    v1::AttachResponse attached;
    if (!host->Read(&attached) || !attached.has_attached()) return Fail("attach");
  }
  std::thread host_thread([&] {
    v1::AttachResponse message;
    v1::AttachRequest answer;
    while (host->Read(&message)) {
      if (!message.has_invocation()) continue;
      answer.Clear();
      auto* result = answer.mutable_result();
      result->set_invocation_id(message.invocation().invocation_id());
      *result->mutable_result()->mutable_string_value() =
          message.invocation().args().fields().at("payload").string_value();
      host->Write(answer);
    }
  });

  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  auto bridge = v1::BridgeService::NewStub(channel);
  auto hosts = v1::HostService::NewStub(channel);
  const std::string payload(payload_bytes, 'x');
  v1::PingRequest ping;
  ping.set_payload(payload);
  v1::InvokeRequest invoke;
  invoke.mutable_host()->mutable_query()->set_application("bench");
  invoke.set_command("echo");
  (*invoke.mutable_args()->mutable_fields())["payload"].set_string_value(payload);

  std::vector<double> ping_us, invoke_us;
  ping_us.reserve(iterations);
  invoke_us.reserve(iterations);
  for (int i = 0; i < warmup + iterations; ++i) {
    {
      grpc::ClientContext context;
      context.AddMetadata("authorization", std::string("Bearer ") + kToken);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::PingResponse response;
      auto start = std::chrono::steady_clock::now();
      if (!bridge->Ping(&context, ping, &response).ok()) return Fail("ping failed");
      double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      if (i >= warmup) ping_us.push_back(us);
    }
    {
      grpc::ClientContext context;
      context.AddMetadata("authorization", std::string("Bearer ") + kToken);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::InvokeResponse response;
      auto start = std::chrono::steady_clock::now();
      grpc::Status status = hosts->Invoke(&context, invoke, &response);
      double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      if (!status.ok() || response.result().string_value().size() != payload.size()) {
        return Fail(("invoke failed: " + status.error_message()).c_str());
      }
      if (i >= warmup) invoke_us.push_back(us);
    }
  }

  const double ping_p50 = Percentile(ping_us, 0.50), ping_p99 = Percentile(ping_us, 0.99);
  const double inv_p50 = Percentile(invoke_us, 0.50), inv_p99 = Percentile(invoke_us, 0.99);
  std::printf("native gRPC, %d calls each (after %d warm-up), %d-byte payload, alternating\n",
              iterations, warmup, payload_bytes);
  std::printf("%-34s %10s %10s\n", "", "p50 (us)", "p99 (us)");
  std::printf("%-34s %10.1f %10.1f\n", "BridgeService/Ping", ping_p50, ping_p99);
  std::printf("%-34s %10.1f %10.1f\n", "HostService/Invoke (via host)", inv_p50, inv_p99);
  std::printf("%-34s %10.2f %10.2f   (goal: p50 <= 2.00)\n", "ratio Invoke / Ping", inv_p50 / ping_p50,
              inv_p99 / ping_p99);

  host_context.TryCancel();
  host_thread.join();
  (*server)->Shutdown(absl::Seconds(1));
  registry.reset();
  log->reset();
  db->reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return inv_p50 <= 2 * ping_p50 ? 0 : 2;
}
