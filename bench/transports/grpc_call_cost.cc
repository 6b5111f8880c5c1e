// Server CPU per native gRPC call, measured so that the machine's load does not decide it:
// the bare typed echo (bench/transports/bare_echo.h, transport_load's "bare echo" row) and
// pipebridge's Ping (its "grpc" row). Each server runs alone in a child process of this tool
// (`grpc_call_cost serve echo|grpc`); this process calls it over one connection, one call at
// a time, with transport_load's typed client and 200-byte payload.
//
//   grpc_call_cost [--calls N] [--warmup N] [--repeat R] [--callgrind DIR]
//
// CPU time (default): the child reports its own CPU time (getrusage) after the warm-up and
// after the N calls; server us/call is the difference / N, client us/call the same for this
// process; the median of R runs. Waiting is left out, but a busy machine still slows every
// instruction (shared caches, frequency): compare the two servers within one run only.
// --callgrind DIR: the children run under `valgrind --tool=callgrind` (output files kept in
// DIR for callgrind_annotate); one run of N and one of 2N calls per server, and
// instructions per call = (I(2N) - I(N)) / N, which cancels start-up, warm-up and shutdown.
// Counted, not timed, so the machine's load matters only through how threads interleave,
// which moves the total a few percent per run (contended locks); the figure without Abseil's
// mutex internals moves less. Take several runs; the way to compare before and after a change.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/transports/bare_echo.h"
#include "bench/transports/bench_bridge.h"
#include "bench/transports/ping_clients.h"
#include "bridge/server/bridge_server.h"
#include "bridge/server/token.h"

extern char** environ;

namespace {

using pipebridge::bench::PingClient;

[[noreturn]] void Fail(const std::string& problem) {
  std::fprintf(stderr, "grpc_call_cost: %s\n", problem.c_str());
  std::exit(1);
}

int64_t OwnCpuMicros() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto micros = [](const timeval& t) { return int64_t{t.tv_sec} * 1000000 + t.tv_usec; };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// ---- The child: one server, driven by lines on stdin ----

// Prints "ready ADDRESS TOKEN"; answers each "cpu" line with "cpu MICROSECONDS"; shuts the
// server down and returns at end of input (the parent closed the pipe or died).
int Serve(const std::string& kind) {
  std::unique_ptr<pipebridge::bench::BareEcho> echo;
  std::unique_ptr<grpc::Server> echo_server;
  std::unique_ptr<pipebridge::server::BridgeServer> bridge;
  pipebridge::rpc::Logger logger(pipebridge::rpc::LogLevel::kError);
  std::string root;
  std::string address;
  std::string token;
  if (kind == "echo") {
    echo = std::make_unique<pipebridge::bench::BareEcho>();
    int port = 0;
    echo_server = pipebridge::bench::StartBareEchoServer(*echo, &port);
    if (echo_server == nullptr || port == 0) Fail("the bare echo server did not start");
    address = absl::StrCat("127.0.0.1:", port);
    // The echo ignores it; its client sends one like pipebridge's, the same bytes on the wire.
    auto dummy = pipebridge::server::NewToken();
    if (!dummy.ok()) Fail("no token");
    token = *dummy;
  } else if (kind == "grpc") {
    char scratch[] = "/tmp/pipebridge-grpc-call-cost-XXXXXX";
    if (::mkdtemp(scratch) == nullptr) Fail("cannot create a scratch folder in /tmp");
    root = scratch;
    // As transport_load starts it.
    auto started = pipebridge::server::BridgeServer::Start(
        pipebridge::bench::EphemeralBridgeConfig(root), logger);
    if (!started.ok()) Fail(absl::StrCat("pipebridge did not start: ", started.status().message()));
    bridge = std::move(*started);
    address = bridge->grpc_address();
    token = bridge->token();
  } else {
    Fail(absl::StrCat("serve: no server \"", kind, "\" (echo or grpc)"));
  }
  std::printf("ready %s %s\n", address.c_str(), token.c_str());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "cpu") {
      std::printf("cpu %lld\n", static_cast<long long>(OwnCpuMicros()));
      std::fflush(stdout);
    }
  }
  if (bridge != nullptr) bridge->Shutdown();
  if (echo_server != nullptr) echo_server->Shutdown();
  bridge.reset();
  if (!root.empty()) std::filesystem::remove_all(root);
  return 0;
}

// ---- The parent: spawns a server, calls it, reads its figures ----

class ServerProcess {
 public:
  // `prefix`: a command the child runs under (valgrind ...), or empty.
  ServerProcess(const std::string& self, const std::string& kind,
                const std::vector<std::string>& prefix) {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
      Fail("pipe() failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    std::vector<std::string> args = prefix;
    args.insert(args.end(), {self, "serve", kind});
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
      Fail(absl::StrCat("cannot run ", args.front()));
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_child_ = to_child[1];
    from_child_ = from_child[0];
    // valgrind starts a bridge in tens of seconds on a busy machine.
    std::vector<std::string> ready = absl::StrSplit(ReadLine(300), ' ');
    if (ready.size() != 3 || ready[0] != "ready") Fail("the server did not say it was ready");
    address_ = ready[1];
    token_ = ready[2];
  }
  ~ServerProcess() {
    if (to_child_ >= 0) ::close(to_child_);
    if (from_child_ >= 0) ::close(from_child_);
    if (pid_ > 0) ::kill(pid_, SIGKILL);  // only when Finish did not run: a failed run
  }

  const std::string& address() const { return address_; }
  const std::string& token() const { return token_; }

  int64_t CpuMicros() {
    const std::string ask = "cpu\n";
    if (::write(to_child_, ask.data(), ask.size()) != static_cast<ssize_t>(ask.size())) {
      Fail("the server is gone");
    }
    std::vector<std::string> answer = absl::StrSplit(ReadLine(60), ' ');
    int64_t micros = 0;
    if (answer.size() != 2 || answer[0] != "cpu" || !absl::SimpleAtoi(answer[1], &micros)) {
      Fail("the server answered the CPU question with something else");
    }
    return micros;
  }

  // Closes the server's input (it shuts down) and waits for it to exit.
  void Finish() {
    ::close(to_child_);
    to_child_ = -1;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > limit) Fail("the server did not exit within 120 s");
      ::usleep(20000);
    }
    pid_ = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Fail("the server did not exit cleanly");
  }

 private:
  std::string ReadLine(int timeout_seconds) {
    std::string line;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          limit - std::chrono::steady_clock::now());
      pollfd ready{from_child_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
        Fail(absl::StrCat("no answer from the server within ", timeout_seconds, " s"));
      }
      char c;
      if (::read(from_child_, &c, 1) != 1) Fail("the server closed its output");
      if (c == '\n') return line;
      line.push_back(c);
    }
  }

  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string address_;
  std::string token_;
};

struct Flags {
  int calls = 20000;
  int warmup = 2000;
  int repeat = 5;
  std::string callgrind_dir;  // empty: CPU time
};

struct Server {
  const char* kind;
  const char* name;
};
constexpr Server kServers[] = {{"echo", "bare gRPC C++ echo"}, {"grpc", "pipebridge native gRPC"}};

std::unique_ptr<PingClient> NewClient(const std::string& kind, const ServerProcess& server) {
  const std::string payload(200, 'x');
  if (kind == "echo") return pipebridge::bench::NewBareEchoClient(server.address(), server.token(), payload);
  return pipebridge::bench::NewGrpcPingClient(server.address(), server.token(), payload);
}

void Call(PingClient& client, int calls) {
  for (int i = 0; i < calls; ++i) {
    if (!client.Call()) Fail("a call failed");
  }
}

struct CpuFigures {
  double server_us = 0;
  double client_us = 0;
};

CpuFigures MeasureCpu(const std::string& self, const Server& server, const Flags& flags) {
  ServerProcess process(self, server.kind, {});
  std::unique_ptr<PingClient> client = NewClient(server.kind, process);
  Call(*client, flags.warmup);
  const int64_t server_before = process.CpuMicros();
  const int64_t client_before = OwnCpuMicros();
  Call(*client, flags.calls);
  const int64_t client_after = OwnCpuMicros();
  const int64_t server_after = process.CpuMicros();
  client.reset();
  process.Finish();
  return {static_cast<double>(server_after - server_before) / flags.calls,
          static_cast<double>(client_after - client_before) / flags.calls};
}

// Instructions of one server process, in all and in Abseil's mutex internals: Debian's
// Abseil checks every lock for deadlock cycles (GraphCycles), so a lock costs hundreds of
// instructions more when it is contended, and how often that happens depends on how the
// threads happened to interleave. Both servers take the same locks (gRPC's); the figure
// without them varies far less from run to run.
struct Instructions {
  int64_t total = 0;
  int64_t mutex_internals = 0;
};

// Self cost per object from a callgrind output file: cost lines ("position cost") count for
// the current object (ob=), except the line after calls=, which is a callee's inclusive cost.
Instructions ReadCallgrindFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) Fail(absl::StrCat("cannot read ", path));
  std::map<std::string, std::string> object_names;  // "(id)" -> name, as compressed
  bool in_mutex_object = false;
  bool next_is_call_cost = false;
  Instructions result;
  std::string line;
  while (std::getline(file, line)) {
    // An object's name comes with its first mention, which may be a callee's (cob=).
    const bool object = line.rfind("ob=", 0) == 0;
    if (object || line.rfind("cob=", 0) == 0) {
      const std::string spec = line.substr(object ? 3 : 4);
      const size_t close = spec.find(')');
      std::string name = spec;
      if (!spec.empty() && spec[0] == '(' && close != std::string::npos) {
        const std::string id = spec.substr(0, close + 1);
        if (close + 1 < spec.size()) object_names[id] = spec.substr(close + 2);
        name = object_names[id];
      }
      if (object) {
        in_mutex_object = name.find("libabsl_synchronization") != std::string::npos ||
                          name.find("libabsl_graphcycles") != std::string::npos;
      }
      continue;
    }
    if (line.rfind("calls=", 0) == 0) {
      next_is_call_cost = true;
      continue;
    }
    if (line.empty() || !(std::isdigit(static_cast<unsigned char>(line[0])) || line[0] == '+' ||
                          line[0] == '-' || line[0] == '*')) {
      continue;
    }
    if (next_is_call_cost) {
      next_is_call_cost = false;
      continue;
    }
    const size_t space = line.find(' ');
    int64_t cost = 0;
    if (space == std::string::npos || !absl::SimpleAtoi(line.substr(space + 1), &cost)) continue;
    result.total += cost;
    if (in_mutex_object) result.mutex_internals += cost;
  }
  if (result.total == 0) Fail(absl::StrCat("no costs in ", path));
  return result;
}

// One server process that answered warm-up + `calls` calls, under callgrind.
Instructions CallgrindInstructions(const std::string& self, const Server& server,
                                   const Flags& flags, int calls) {
  const std::string out = absl::StrCat(flags.callgrind_dir, "/", server.kind, "-", calls, ".out");
  {
    ServerProcess process(self, server.kind,
                          {"valgrind", "--tool=callgrind", "--quiet",
                           "--callgrind-out-file=" + out});
    std::unique_ptr<PingClient> client = NewClient(server.kind, process);
    Call(*client, flags.warmup + calls);
    client.reset();
    process.Finish();
  }
  return ReadCallgrindFile(out);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "grpc_call_cost: %s\n"
               "usage: grpc_call_cost [--calls N] [--warmup N] [--repeat R] [--callgrind DIR]\n",
               problem.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "serve") return Serve(argv[2]);
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) Usage("missing value after " + arg);
    const std::string value = argv[++i];
    bool number_ok = true;
    if (arg == "--calls") {
      number_ok = absl::SimpleAtoi(value, &flags.calls);
    } else if (arg == "--warmup") {
      number_ok = absl::SimpleAtoi(value, &flags.warmup);
    } else if (arg == "--repeat") {
      number_ok = absl::SimpleAtoi(value, &flags.repeat);
    } else if (arg == "--callgrind") {
      flags.callgrind_dir = value;
    } else {
      Usage("unknown flag " + arg);
    }
    if (!number_ok) Usage(arg + " needs a whole number, not \"" + value + "\"");
  }
  if (flags.calls < 1 || flags.warmup < 0 || flags.repeat < 1) {
    Usage("calls and repeat must be positive, warmup 0 or more");
  }
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();

  if (!flags.callgrind_dir.empty()) {
    std::filesystem::create_directories(flags.callgrind_dir);
    std::printf("instructions per call, server process under callgrind: (I(%d calls) - I(%d)) / %d\n",
                2 * flags.calls, flags.calls, flags.calls);
    std::printf("%-24s %14s %8s %26s %8s\n", "server", "instr/call", "vs echo",
                "without Abseil mutex internals", "vs echo");
    double echo_total = 0;
    double echo_without = 0;
    for (const Server& server : kServers) {
      const Instructions once = CallgrindInstructions(self, server, flags, flags.calls);
      const Instructions twice = CallgrindInstructions(self, server, flags, 2 * flags.calls);
      const double total = static_cast<double>(twice.total - once.total) / flags.calls;
      const double without =
          total - static_cast<double>(twice.mutex_internals - once.mutex_internals) / flags.calls;
      if (echo_total == 0) {
        echo_total = total;
        echo_without = without;
      }
      std::printf("%-24s %14.0f %7.3fx %26.0f %7.3fx\n", server.name, total, total / echo_total,
                  without, without / echo_without);
    }
    std::printf("callgrind files in %s\n", flags.callgrind_dir.c_str());
    return 0;
  }

  std::printf("CPU per call, %d calls after %d warm-up, median of %d runs, servers alternating\n",
              flags.calls, flags.warmup, flags.repeat);
  std::vector<double> server_us[2], client_us[2];
  for (int r = 0; r < flags.repeat; ++r) {
    for (int s = 0; s < 2; ++s) {
      CpuFigures figures = MeasureCpu(self, kServers[s], flags);
      server_us[s].push_back(figures.server_us);
      client_us[s].push_back(figures.client_us);
    }
  }
  std::printf("%-24s %14s %14s %14s\n", "server", "server us/call", "vs echo", "client us/call");
  const double echo = Median(server_us[0]);
  for (int s = 0; s < 2; ++s) {
    const double server = Median(server_us[s]);
    std::printf("%-24s %14.2f %13.2fx %14.2f\n", kServers[s].name, server, server / echo,
                Median(client_us[s]));
  }
  return 0;
}
