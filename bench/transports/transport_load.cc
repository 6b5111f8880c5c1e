// Load tool, one run, one table: Ping with a 200-byte payload on every pipebridge transport
// (native gRPC, JSON-RPC over TCP and WebSocket, Connect JSON and binary, gRPC-Web) next to
// the two baselines, the loopback floor (a C ping-pong) and a bare typed gRPC C++ echo
// server, all in this process; p50/p99 latency and calls/s for 1 and 16 connections, the
// medians over rounds that measure every row in turn, with the ratios side by side.
// Then event streaming: EventService/Subscribe to one live subscriber over WebSocket, TCP and
// native gRPC while events are published at a steady rate (bench/transports/event_stream.h).
//
//   transport_load [--seconds S] [--rounds N] [--connections 1,16] [--only KEY,...]
//                  [--no-ping] [--no-events] [--event-rate N] [--event-seconds S]
//                  [--event-publishers N] [--event-transports ws,tcp,grpc]
//
// Goals (issues 2 and 5): native gRPC Ping p50 <= 1.1x the bare echo; JSON-RPC over TCP p50
// <= 1.5x the floor, WebSocket <= 2x, Connect <= 2.5x; every JSON transport's calls/s with
// 16 connections >= 3x the bare echo's; 20,000 events/s to one WebSocket subscriber.
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
#include "bench/transports/bare_echo.h"
#include "bench/transports/bench_bridge.h"
#include "bench/transports/event_stream.h"
#include "bench/transports/loopback.h"
#include "bench/transports/ping_clients.h"
#include "bridge/server/bridge_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using pipebridge::bench::PingClient;

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
  if (all.empty()) {
    std::fprintf(stderr, "no call completed within the measurement (%.1f s): use more --seconds\n",
                 seconds);
    std::exit(1);
  }
  std::sort(all.begin(), all.end());
  Result result;
  result.p50_us = all[all.size() / 2];
  result.p99_us = all[all.size() * 99 / 100];
  result.calls_per_second = static_cast<double>(all.size()) / seconds;
  return result;
}

// One measurement on fresh connections.
Result MeasureOnce(const std::function<std::unique_ptr<PingClient>()>& make, int connections,
                   double seconds) {
  std::vector<std::unique_ptr<PingClient>> clients;
  for (int c = 0; c < connections; ++c) clients.push_back(make());
  return Measure(clients, seconds);
}

// Each figure's median over the rounds (the upper one of an even count).
Result Median(const std::vector<Result>& rounds) {
  auto median = [&rounds](double Result::*figure) {
    std::vector<double> values;
    for (const Result& r : rounds) values.push_back(r.*figure);
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  return Result{median(&Result::p50_us), median(&Result::p99_us),
                median(&Result::calls_per_second)};
}

// A row's medians, its ratios to the floor's and the echo's medians, then its p50 over the
// echo's p50 in each round (the two measured next to each other, so under the same load).
void Print(const char* name, int connections, const std::vector<Result>& rounds,
           const std::vector<Result>& floor_rounds, const std::vector<Result>& echo_rounds) {
  const Result r = Median(rounds);
  const Result floor = Median(floor_rounds);
  const Result echo = Median(echo_rounds);
  std::printf("%-28s %5d %9.1f %9.1f %10.0f %10.2fx %10.2fx %10.2fx  ", name, connections,
              r.p50_us, r.p99_us, r.calls_per_second, r.p50_us / floor.p50_us,
              r.p50_us / echo.p50_us, r.calls_per_second / echo.calls_per_second);
  for (size_t i = 0; i < rounds.size(); ++i) {
    std::printf(" %.2f", rounds[i].p50_us / echo_rounds[i].p50_us);
  }
  std::printf("\n");
}

struct Flags {
  double seconds = 2.0;
  int rounds = 3;
  std::vector<int> connections = {1, 16};
  // Ping rows to run (keys of kRows); empty: all. The two baselines always run.
  std::vector<std::string> only;
  bool ping = true;
  bool events = true;
  pipebridge::bench::StreamOptions stream;
};

[[noreturn]] void Usage(const char* problem) {
  std::fprintf(stderr,
               "transport_load: %s\n"
               "usage: transport_load [--seconds S] [--rounds N] [--connections 1,16]\n"
               "                      [--only grpc,tcp,ws,connect-json,connect-proto,grpc-web]\n"
               "                      [--no-ping] [--no-events] [--event-rate N]\n"
               "                      [--event-seconds S] [--event-publishers N]\n"
               "                      [--event-transports ws,tcp,grpc]\n",
               problem);
  std::exit(2);
}

std::vector<std::string> SplitList(const char* text) {
  std::vector<std::string> items;
  std::string item;
  for (const char* c = text;; ++c) {
    if (*c == ',' || *c == '\0') {
      if (!item.empty()) items.push_back(item);
      item.clear();
      if (*c == '\0') break;
    } else {
      item.push_back(*c);
    }
  }
  return items;
}

bool Selected(const std::vector<std::string>& only, const std::string& key) {
  return only.empty() || std::find(only.begin(), only.end(), key) != only.end();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  std::vector<std::string> event_transports = {"ws", "tcp", "grpc"};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--no-ping") {
      flags.ping = false;
      continue;
    }
    if (arg == "--no-events") {
      flags.events = false;
      continue;
    }
    if (i + 1 >= argc) Usage(("missing value after " + arg).c_str());
    const char* value = argv[++i];
    if (arg == "--seconds") {
      flags.seconds = std::atof(value);
    } else if (arg == "--rounds") {
      flags.rounds = std::atoi(value);
    } else if (arg == "--connections") {
      flags.connections.clear();
      for (const std::string& n : SplitList(value)) flags.connections.push_back(std::atoi(n.c_str()));
    } else if (arg == "--only") {
      flags.only = SplitList(value);
    } else if (arg == "--event-rate") {
      flags.stream.rate = std::atoi(value);
    } else if (arg == "--event-seconds") {
      flags.stream.seconds = std::atof(value);
    } else if (arg == "--event-publishers") {
      flags.stream.publishers = std::atoi(value);
    } else if (arg == "--event-transports") {
      event_transports = SplitList(value);
    } else {
      Usage(("unknown flag " + arg).c_str());
    }
  }
  if (flags.seconds <= 0 || flags.rounds < 1 || flags.stream.rate < 1 ||
      flags.stream.seconds <= 0 || flags.stream.publishers < 0) {
    Usage("seconds, rounds and rates must be positive, publishers 0 or more");
  }
  const std::string payload(200, 'x');

  pipebridge::bench::BareEcho bare_service;
  int bare_port = 0;
  auto bare_server = pipebridge::bench::StartBareEchoServer(bare_service, &bare_port);
  const std::string bare_address = "127.0.0.1:" + std::to_string(bare_port);

  char scratch[] = "/tmp/pipebridge-transport-load-XXXXXX";
  const std::string root = ::mkdtemp(scratch);
  pipebridge::rpc::Logger logger(pipebridge::rpc::LogLevel::kError);
  auto bridge = pipebridge::server::BridgeServer::Start(
      pipebridge::bench::EphemeralBridgeConfig(root), logger);
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

  using Make = std::function<std::unique_ptr<PingClient>()>;
  namespace bench = pipebridge::bench;
  struct Row {
    const char* key;
    const char* name;
    Make make;
  };
  const std::vector<Row> rows = {
      {"grpc", "pipebridge native gRPC",
       [&] { return bench::NewGrpcPingClient(grpc_address, token, payload); }},
      {"tcp", "pipebridge JSON-RPC TCP",
       [&] { return bench::NewJsonRpcTcpClient(tcp_port, token, payload); }},
      {"ws", "pipebridge JSON-RPC WS",
       [&] { return bench::NewWebSocketClient(http_port, token, payload); }},
      {"connect-json", "pipebridge Connect JSON",
       [&] { return bench::NewConnectJsonClient(http_port, token, payload); }},
      {"connect-proto", "pipebridge Connect binary",
       [&] { return bench::NewConnectProtoClient(http_port, token, payload); }},
      {"grpc-web", "pipebridge gRPC-Web binary",
       [&] { return bench::NewGrpcWebClient(http_port, token, payload); }},
  };
  for (const std::string& key : flags.only) {
    if (std::none_of(rows.begin(), rows.end(), [&](const Row& row) { return key == row.key; })) {
      Usage(("--only: no row \"" + key + "\"").c_str());
    }
  }

  if (flags.ping) {
    std::printf("Ping, 200-byte payload; %.1f s per measurement; median of %d rounds, each round "
                "measuring every row in turn, in reverse order every other round\n\n",
                flags.seconds, flags.rounds);
    std::printf("%-28s %5s %9s %9s %10s %11s %11s %11s   %s\n", "transport", "conns", "p50 us",
                "p99 us", "calls/s", "p50/floor", "p50/echo", "tput/echo", "p50/echo by round");
    for (int connections : flags.connections) {
      // The load on a shared machine drifts during a run: rows measured one after another,
      // each over all its rounds, compare different minutes. Interleaved, the bare echo and
      // native gRPC (next to each other in both orders) see the same conditions.
      struct Measured {
        const char* name;
        Make make;
        std::vector<Result> rounds;
      };
      std::vector<Measured> measured = {
          {"C loopback ping-pong",
           [&] { return bench::NewFloorClient(floor_server.port(), payload.size()); }, {}},
          {"bare gRPC C++ echo",
           [&] { return bench::NewBareEchoClient(bare_address, token, payload); }, {}},
      };
      for (const Row& row : rows) {
        if (Selected(flags.only, row.key)) measured.push_back({row.name, row.make, {}});
      }
      for (int r = 0; r < flags.rounds; ++r) {
        for (size_t i = 0; i < measured.size(); ++i) {
          Measured& m = measured[r % 2 == 0 ? i : measured.size() - 1 - i];
          m.rounds.push_back(MeasureOnce(m.make, connections, flags.seconds));
        }
      }
      for (const Measured& m : measured) {
        Print(m.name, connections, m.rounds, measured[0].rounds, measured[1].rounds);
      }
    }
    std::printf("\ngoals: native gRPC p50/echo <= 1.1; JSON-RPC TCP p50/floor <= 1.5, WS <= 2, "
                "Connect <= 2.5; JSON transports' tput/echo >= 3 at 16 connections\n");
  }

  if (flags.events) {
    using MakeSubscriber = std::function<std::unique_ptr<bench::EventSubscriber>()>;
    struct StreamRow {
      const char* key;
      const char* name;
      MakeSubscriber make;
    };
    const std::vector<StreamRow> stream_rows = {
        {"ws", "JSON-RPC WS", [&] { return bench::NewWebSocketSubscriber(http_port, token); }},
        {"tcp", "JSON-RPC TCP", [&] { return bench::NewJsonRpcTcpSubscriber(tcp_port, token); }},
        {"grpc", "native gRPC", [&] { return bench::NewGrpcSubscriber(grpc_address, token); }},
    };
    const std::string publishing =
        flags.stream.publishers == 0
            ? std::string("one writer, each millisecond's events in one durable transaction")
            : std::to_string(flags.stream.publishers) +
                  " threads calling EventLog::Publish (durable group commit)";
    std::printf("\nEventService/Subscribe, one live subscriber; %d events/s for %.1f s, published "
                "by %s\n\n",
                flags.stream.rate, flags.stream.seconds, publishing.c_str());
    std::printf("%-28s %10s %10s %10s %8s %8s %9s %9s %9s\n", "subscriber over", "published",
                "pub/s", "recv/s", "lost", "dup+ooo", "p50 ms", "p99 ms", "max ms");
    for (const StreamRow& row : stream_rows) {
      if (!Selected(event_transports, row.key)) continue;
      bench::StreamResult r = bench::MeasureEventStream((*bridge)->store().database(),
                                                        (*bridge)->events(), row.make, flags.stream);
      std::printf("%-28s %10lld %10.0f %10.0f %8lld %8lld %9.2f %9.2f %9.2f\n", row.name,
                  static_cast<long long>(r.published), r.published / r.publish_seconds,
                  r.delivered_per_second, static_cast<long long>(r.published - r.delivered),
                  static_cast<long long>(r.duplicates + r.out_of_order), r.p50_ms, r.p99_ms,
                  r.max_ms);
      if (!r.failure.empty()) std::printf("  %s: %s\n", row.name, r.failure.c_str());
    }
    std::printf("\ngoal: 20,000 events/s to one subscriber over WebSocket, lost = 0\n");
  }
  (*bridge)->Shutdown();
  bare_server->Shutdown();
  std::filesystem::remove_all(root);
  return 0;
}
