// Load tool: Ping (200-byte payload) over Connect (JSON and binary) and gRPC-Web on the HTTP
// port, against the floor of this machine's loopback TCP, side by side in one run.
//
//   connect_load [--seconds N] [--rounds N] [--threads N]
//
// The floor is a C ping-pong (a blocking echo thread per connection, a blocking client sending
// 200 bytes and reading them back). The HTTP clients are raw keep-alive sockets, one call at a
// time per connection. Prints p50/p99 latency, calls/s, and the ratios to the floor with the
// same number of connections. Goal (the Connect issue): Connect p50 <= 2.5x the floor.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/connect/connect_handler.h"
#include "adapters/jsonrpc/jsonrpc_server.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/service/bridge_service.h"
#include "pipebridge/v1/bridge.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kToken[] = "bench-token";

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadExactly(int fd, char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::recv(fd, data, size, 0);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// ---- The floor: a blocking TCP echo of fixed-size messages ----

class EchoServer {
 public:
  explicit EchoServer(size_t message_size) : size_(message_size) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(listen_fd_, 64);
    socklen_t length = sizeof(address);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] {
      while (true) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        std::thread([fd, size = size_] {
          std::vector<char> buffer(size);
          while (ReadExactly(fd, buffer.data(), size) && WriteAll(fd, buffer.data(), size)) {
          }
          ::close(fd);
        }).detach();
      }
    });
  }
  ~EchoServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
  }
  int port() const { return port_; }

 private:
  size_t size_;
  int listen_fd_;
  int port_ = 0;
  std::thread acceptor_;
};

class Client {
 public:
  virtual ~Client() = default;
  virtual bool Call() = 0;
};

class FloorClient : public Client {
 public:
  FloorClient(int port, size_t size) : fd_(Connect(port)), message_(size, 'x'), reply_(size, 0) {}
  ~FloorClient() override { ::close(fd_); }
  bool Call() override {
    return WriteAll(fd_, message_.data(), message_.size()) &&
           ReadExactly(fd_, reply_.data(), reply_.size());
  }

 private:
  int fd_;
  std::string message_;
  std::string reply_;
};

// POSTs the same request over and over on one keep-alive connection; reads each response by
// its Content-Length (the server sends one for complete responses).
class HttpClient : public Client {
 public:
  HttpClient(int port, absl::string_view path, absl::string_view content_type, std::string body)
      : fd_(Connect(port)) {
    request_ = absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: 127.0.0.1:", port,
                            "\r\nContent-Type: ", content_type, "\r\nAuthorization: Bearer ",
                            kToken, "\r\nContent-Length: ", body.size(), "\r\n\r\n", body);
  }
  ~HttpClient() override { ::close(fd_); }
  bool Call() override {
    if (!WriteAll(fd_, request_.data(), request_.size())) return false;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    if (buffer_.compare(0, 12, "HTTP/1.1 200") != 0) return false;
    size_t length_at = buffer_.find("Content-Length: ");
    if (length_at == std::string::npos || length_at > header_end) return false;
    const size_t length = std::strtoul(buffer_.c_str() + length_at + 16, nullptr, 10);
    const size_t total = header_end + 4 + length;
    while (buffer_.size() < total) {
      if (!Fill()) return false;
    }
    buffer_.erase(0, total);
    return true;
  }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string request_;
  std::string buffer_;
};

std::string Envelope(const std::string& payload) {
  std::string out(5, '\0');
  const auto size = static_cast<uint32_t>(payload.size());
  out[1] = static_cast<char>(size >> 24);
  out[2] = static_cast<char>(size >> 16);
  out[3] = static_cast<char>(size >> 8);
  out[4] = static_cast<char>(size);
  return out + payload;
}

struct Result {
  double p50_us = 0;
  double p99_us = 0;
  double calls_per_second = 0;
};

Result Measure(std::vector<std::unique_ptr<Client>>& clients, double seconds) {
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

Result Best(const std::function<std::unique_ptr<Client>()>& make, int connections, double seconds,
            int rounds) {
  Result best;
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::unique_ptr<Client>> clients;
    for (int c = 0; c < connections; ++c) clients.push_back(make());
    Result result = Measure(clients, seconds);
    if (r == 0 || result.p50_us < best.p50_us) best = result;
  }
  return best;
}

void Print(const char* name, int connections, const Result& result, const Result& floor) {
  std::printf("%-24s %5d %9.1f %9.1f %11.0f %9.2fx %9.2fx\n", name, connections, result.p50_us,
              result.p99_us, result.calls_per_second, result.p50_us / floor.p50_us,
              result.calls_per_second / floor.calls_per_second);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  int rounds = 2;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
  }
  const std::string payload(200, 'x');

  pipebridge::rpc::Logger logger(pipebridge::rpc::LogLevel::kError);
  pipebridge::rpc::MethodTable table;
  pipebridge::service::ServerInfo info("bench", {});
  absl::Status added = table.AddService(
      pipebridge::v1::PingRequest::descriptor()->file()->FindServiceByName("BridgeService"));
  if (added.ok()) added = pipebridge::service::RegisterBridgeService(table, info);
  if (!added.ok()) {
    std::fprintf(stderr, "%s\n", std::string(added.message()).c_str());
    return 1;
  }
  std::vector<std::unique_ptr<pipebridge::rpc::Interceptor>> chain;
  chain.push_back(std::make_unique<pipebridge::rpc::AuthInterceptor>(kToken));
  chain.push_back(
      std::make_unique<pipebridge::rpc::DeadlineInterceptor>(pipebridge::rpc::DeadlinePolicy{}));
  pipebridge::rpc::Dispatcher dispatcher(table, std::move(chain), logger);
  pipebridge::jsonrpc::JsonRpcServerOptions options;
  options.token = kToken;
  options.threads = threads;
  options.tcp_port = -1;
  pipebridge::connect::ConnectHandlerOptions connect_options;
  connect_options.allowed_origins = options.allowed_origins;
  auto handler = std::make_shared<pipebridge::connect::ConnectHandler>(dispatcher, connect_options);
  options.http_handler = handler;
  auto server = pipebridge::jsonrpc::JsonRpcServer::Start(dispatcher, options);
  if (!server.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  const int port = (*server)->http_port();
  EchoServer floor_server(payload.size());

  pipebridge::v1::PingRequest ping;
  ping.set_payload(payload);
  const std::string binary = ping.SerializeAsString();
  const std::string json = absl::StrCat(R"({"payload":")", payload, R"("})");
  constexpr char kPath[] = "/pipebridge.v1.BridgeService/Ping";

  std::printf("Ping, 200-byte payload; %.1f s per measurement, best p50 of %d rounds; "
              "server io threads: %d\n\n",
              seconds, rounds, threads);
  std::printf("%-24s %5s %9s %9s %11s %10s %10s\n", "transport", "conns", "p50 us", "p99 us",
              "calls/s", "p50/floor", "tput/floor");
  for (int connections : {1, 16}) {
    Result floor = Best([&] { return std::make_unique<FloorClient>(floor_server.port(), 200); },
                        connections, seconds, rounds);
    Print("C loopback ping-pong", connections, floor, floor);
    Print("Connect JSON", connections,
          Best([&] { return std::make_unique<HttpClient>(port, kPath, "application/json", json); },
               connections, seconds, rounds),
          floor);
    Print("Connect binary", connections,
          Best([&] {
            return std::make_unique<HttpClient>(port, kPath, "application/proto", binary);
          }, connections, seconds, rounds),
          floor);
    Print("gRPC-Web binary", connections,
          Best([&] {
            return std::make_unique<HttpClient>(port, kPath, "application/grpc-web+proto",
                                                Envelope(binary));
          }, connections, seconds, rounds),
          floor);
  }
  handler->Shutdown(absl::Seconds(1));
  (*server)->Shutdown(absl::Seconds(1));
  return 0;
}
