// Load tool: Ping over pipebridge's native gRPC transport against a bare typed gRPC C++
// echo server, same 200-byte payload, same client, in one run, side by side.
//
//   ping_load [--seconds N] [--rounds N]
//
// Prints p50/p99 latency and calls/s for 1 and 16 connections, and each pipebridge figure
// as a ratio of the bare echo's. The goal (issue: foundation) is Ping p50 <= 1.0-1.1x.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "bridge/server/bridge_server.h"
#include "echo.grpc.pb.h"
#include "pipebridge/v1/bridge.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

class BareEcho : public pipebridge::bench::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const pipebridge::bench::EchoMessage* request,
                                 pipebridge::bench::EchoMessage* response) override {
    response->set_payload(request->payload());
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

struct Result {
  double p50_us = 0;
  double p99_us = 0;
  double calls_per_second = 0;
};

// One call on connection `c`; returns false on failure.
using CallFn = std::function<bool(int connection)>;

Result Measure(int connections, double seconds, const CallFn& call) {
  std::vector<std::vector<double>> samples(connections);
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  const auto warmup_end = Clock::now() + std::chrono::milliseconds(200);
  const auto end = warmup_end + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(seconds));
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      samples[c].reserve(200000);
      while (Clock::now() < warmup_end) call(c);
      while (true) {
        auto start = Clock::now();
        if (start >= end) break;
        if (!call(c)) {
          failed = true;
          return;
        }
        samples[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (failed) {
    std::fprintf(stderr, "a call failed\n");
    std::exit(1);
  }
  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  Result result;
  result.p50_us = all[all.size() / 2];
  result.p99_us = all[all.size() * 99 / 100];
  result.calls_per_second = all.size() / seconds;
  return result;
}

std::shared_ptr<grpc::Channel> NewConnection(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one TCP connection per channel
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  int rounds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  }
  const std::string payload(200, 'x');

  BareEcho bare_service;
  grpc::ServerBuilder builder;
  int bare_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &bare_port);
  builder.RegisterService(&bare_service);
  auto bare_server = builder.BuildAndStart();

  pipebridge::rpc::Logger logger(pipebridge::rpc::LogLevel::kError);
  pipebridge::server::ServerConfig config;
  config.grpc_port = 0;
  config.http_port = -1;  // only the gRPC transport is measured here
  config.tcp_port = -1;
  char discovery[] = "/tmp/pipebridge-bench-XXXXXX";
  config.discovery_dir = std::string(::mkdtemp(discovery)) + "/discovery";
  auto bridge = pipebridge::server::BridgeServer::Start(config, logger);
  if (!bridge.ok()) {
    std::fprintf(stderr, "cannot start pipebridge: %s\n", std::string(bridge.status().message()).c_str());
    return 1;
  }
  const std::string bearer = "Bearer " + (*bridge)->token();

  std::printf("200-byte payload, %.1f s per measurement, best of %d rounds\n\n", seconds, rounds);
  std::printf("%-34s %5s %9s %9s %11s %10s %10s\n", "server", "conns", "p50 us", "p99 us",
              "calls/s", "p50 ratio", "tput ratio");
  for (int connections : {1, 16}) {
    std::vector<std::unique_ptr<pipebridge::bench::EchoService::Stub>> bare_stubs;
    std::vector<std::unique_ptr<pipebridge::v1::BridgeService::Stub>> bridge_stubs;
    for (int c = 0; c < connections; ++c) {
      bare_stubs.push_back(pipebridge::bench::EchoService::NewStub(
          NewConnection("127.0.0.1:" + std::to_string(bare_port))));
      bridge_stubs.push_back(
          pipebridge::v1::BridgeService::NewStub(NewConnection((*bridge)->grpc_address())));
    }
    CallFn bare_call = [&](int c) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", bearer);  // same bytes on the wire as Ping's
      pipebridge::bench::EchoMessage request, response;
      request.set_payload(payload);
      return bare_stubs[c]->Echo(&context, request, &response).ok();
    };
    CallFn bridge_call = [&](int c) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", bearer);
      pipebridge::v1::PingRequest request;
      pipebridge::v1::PingResponse response;
      request.set_payload(payload);
      return bridge_stubs[c]->Ping(&context, request, &response).ok();
    };
    // Interleaved rounds, best of each, so drift on a shared machine hits both alike.
    Result bare{1e18, 1e18, 0}, ping{1e18, 1e18, 0};
    for (int round = 0; round < rounds; ++round) {
      for (auto [fn, best] : {std::pair{&bare_call, &bare}, std::pair{&bridge_call, &ping}}) {
        Result r = Measure(connections, seconds, *fn);
        best->p50_us = std::min(best->p50_us, r.p50_us);
        best->p99_us = std::min(best->p99_us, r.p99_us);
        best->calls_per_second = std::max(best->calls_per_second, r.calls_per_second);
      }
    }
    std::printf("%-34s %5d %9.1f %9.1f %11.0f %10s %10s\n", "bare gRPC C++ echo (typed)",
                connections, bare.p50_us, bare.p99_us, bare.calls_per_second, "1.00x", "1.00x");
    std::printf("%-34s %5d %9.1f %9.1f %11.0f %9.2fx %9.2fx\n", "pipebridge Ping, native gRPC",
                connections, ping.p50_us, ping.p99_us, ping.calls_per_second,
                ping.p50_us / bare.p50_us, ping.calls_per_second / bare.calls_per_second);
  }
  (*bridge)->Shutdown();
  bare_server->Shutdown();
  return 0;
}
