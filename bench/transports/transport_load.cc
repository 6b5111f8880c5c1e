// Load tool: Ping with a 200-byte payload on every pipebridge transport, next to the two
// baselines, in one run: the loopback floor (a C ping-pong) and a bare typed gRPC C++ echo
// server. Prints p50/p99 latency and calls/s for 1 and 16 connections, with ratios.
//
//   transport_load [--seconds N] [--rounds N]
//
// Goals (issues 2 and 5): native gRPC Ping p50 <= 1.1x the bare echo; JSON-RPC over TCP p50
// <= 1.5x the floor, WebSocket <= 2x, Connect <= 2.5x; every JSON transport's calls/s with
// 16 connections >= 3x the bare echo's.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "adapters/jsonrpc/jsonrpc_server.h"
#include "bench/transports/loopback.h"
#include "bench/transports/ping_clients.h"
#include "bridge/server/bridge_server.h"
#include "echo.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using pipebridge::bench::PingClient;

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

// Each connection's thread makes one call at a time for `seconds` after a warm-up.
Result Measure(std::vector<std::unique_ptr<PingClient>>& clients, double seconds) {
  const size_t n = clients.size();
  std::vector<std::vector<double>> samples(n);
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  const auto warmup_end = Clock::now() + std::chrono::milliseconds(200);
  const auto end = warmup_end + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(seconds));
  for (size_t c = 0; c < n; ++c) {
    threads.emplace_back([&, c] {
      samples[c].reserve(400000);
      while (Clock::now() < warmup_end) clients[c]->Call();
      while (true) {
        auto start = Clock::now();
        if (start >= end) break;
        if (!clients[c]->Call()) {
          failed = true;
          return;
        }
        samples[c].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
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
  result.calls_per_second = static_cast<double>(all.size()) / seconds;
  return result;
}

// Best of `rounds` (lowest p50, highest calls/s), fresh connections each round.
Result Best(const std::function<std::unique_ptr<PingClient>()>& make, int connections,
            double seconds, int rounds) {
  Result best{1e18, 1e18, 0};
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::unique_ptr<PingClient>> clients;
    for (int c = 0; c < connections; ++c) clients.push_back(make());
    Result result = Measure(clients, seconds);
    best.p50_us = std::min(best.p50_us, result.p50_us);
    best.p99_us = std::min(best.p99_us, result.p99_us);
    best.calls_per_second = std::max(best.calls_per_second, result.calls_per_second);
  }
  return best;
}

void Print(const char* name, int connections, const Result& r, const Result& floor,
           const Result& echo) {
  std::printf("%-26s %5d %9.1f %9.1f %10.0f %10.2fx %10.2fx %10.2fx\n", name, connections,
              r.p50_us, r.p99_us, r.calls_per_second, r.p50_us / floor.p50_us,
              r.p50_us / echo.p50_us, r.calls_per_second / echo.calls_per_second);
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
  const std::string bare_address = "127.0.0.1:" + std::to_string(bare_port);

  char scratch[] = "/tmp/pipebridge-transport-load-XXXXXX";
  const std::string root = ::mkdtemp(scratch);
  pipebridge::rpc::Logger logger(pipebridge::rpc::LogLevel::kError);
  pipebridge::server::ServerConfig config;
  config.grpc_port = 0;
  config.http_port = 0;
  config.tcp_port = 0;
  config.discovery_dir = root + "/discovery";
  config.project_dir = root + "/project";
  auto bridge = pipebridge::server::BridgeServer::Start(config, logger);
  if (!bridge.ok()) {
    std::fprintf(stderr, "cannot start pipebridge: %s\n",
                 std::string(bridge.status().message()).c_str());
    return 1;
  }
  const std::string token = (*bridge)->token();
  const std::string grpc_address = (*bridge)->grpc_address();
  const int tcp_port = (*bridge)->jsonrpc()->tcp_port();
  const int http_port = (*bridge)->jsonrpc()->http_port();
  pipebridge::bench::FloorServer floor_server(payload.size());
  // Connect rides the HTTP port when this build serves it.
  const bool connect_served =
      pipebridge::bench::NewConnectClient(http_port, token, payload)->Call();

  std::printf("Ping, 200-byte payload; %.1f s per measurement, best of %d rounds\n\n", seconds,
              rounds);
  std::printf("%-26s %5s %9s %9s %10s %11s %11s %11s\n", "transport", "conns", "p50 us",
              "p99 us", "calls/s", "p50/floor", "p50/echo", "tput/echo");
  for (int connections : {1, 16}) {
    auto best = [&](const std::function<std::unique_ptr<PingClient>()>& make) {
      return Best(make, connections, seconds, rounds);
    };
    Result floor = best([&] { return pipebridge::bench::NewFloorClient(floor_server.port(), payload.size()); });
    Result echo = best([&] { return pipebridge::bench::NewBareEchoClient(bare_address, token, payload); });
    Print("C loopback ping-pong", connections, floor, floor, echo);
    Print("bare gRPC C++ echo", connections, echo, floor, echo);
    Print("pipebridge native gRPC", connections,
          best([&] { return pipebridge::bench::NewGrpcPingClient(grpc_address, token, payload); }),
          floor, echo);
    Print("pipebridge JSON-RPC TCP", connections,
          best([&] { return pipebridge::bench::NewJsonRpcTcpClient(tcp_port, token, payload); }),
          floor, echo);
    Print("pipebridge JSON-RPC WS", connections,
          best([&] { return pipebridge::bench::NewWebSocketClient(http_port, token, payload); }),
          floor, echo);
    if (connect_served) {
      Print("pipebridge Connect (JSON)", connections,
            best([&] { return pipebridge::bench::NewConnectClient(http_port, token, payload); }),
            floor, echo);
    } else {
      std::printf("%-26s %5d  (not served by this build)\n", "pipebridge Connect (JSON)",
                  connections);
    }
  }
  std::printf("\ngoals: native gRPC p50/echo <= 1.1; JSON-RPC TCP p50/floor <= 1.5, WS <= 2, "
              "Connect <= 2.5; JSON transports' tput/echo >= 3 at 16 connections\n");
  (*bridge)->Shutdown();
  bare_server->Shutdown();
  std::filesystem::remove_all(root);
  return 0;
}
