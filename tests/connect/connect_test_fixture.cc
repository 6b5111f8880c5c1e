#include "tests/connect/connect_test_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "pipebridge/v1/bridge.pb.h"

namespace pipebridge::connect::testing {

// ---- RawHttpClient ----

std::unique_ptr<RawHttpClient> RawHttpClient::Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return nullptr;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return std::unique_ptr<RawHttpClient>(new RawHttpClient(fd));
}

RawHttpClient::~RawHttpClient() { ::close(fd_); }

bool RawHttpClient::Send(absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawHttpClient::Fill(absl::Time deadline) {
  if (eof_) return false;
  const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
  if (left <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char chunk[16384];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> RawHttpClient::ReadLine(absl::Time deadline) {
  while (true) {
    size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> RawHttpClient::ReadBytes(size_t n, absl::Time deadline) {
  while (buffer_.size() < n) {
    if (!Fill(deadline)) return std::nullopt;
  }
  std::string bytes = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return bytes;
}

std::optional<HttpReply> RawHttpClient::ReadHead(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::optional<std::string> status_line = ReadLine(deadline);
  if (!status_line || status_line->size() < 12 || status_line->compare(0, 5, "HTTP/") != 0) {
    return std::nullopt;
  }
  HttpReply reply;
  if (!absl::SimpleAtoi(status_line->substr(9, 3), &reply.status)) return std::nullopt;
  while (true) {
    std::optional<std::string> line = ReadLine(deadline);
    if (!line) return std::nullopt;
    if (line->empty()) break;
    size_t colon = line->find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string name = absl::AsciiStrToLower(line->substr(0, colon));
    std::string value(absl::StripAsciiWhitespace(line->substr(colon + 1)));
    if (reply.headers.count(name)) {
      reply.headers[name] += "," + value;  // duplicates are visible to tests
    } else {
      reply.headers[name] = value;
    }
  }
  reply.chunked = absl::AsciiStrToLower(reply.header("transfer-encoding")) == "chunked";
  return reply;
}

std::optional<HttpReply> RawHttpClient::Read(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::optional<HttpReply> reply = ReadHead(timeout);
  if (!reply) return std::nullopt;
  if (reply->chunked) {
    while (true) {
      std::optional<std::string> size_line = ReadLine(deadline);
      if (!size_line) return std::nullopt;
      size_t size = 0;
      if (!absl::SimpleHexAtoi(size_line->substr(0, size_line->find(';')), &size)) {
        return std::nullopt;
      }
      std::optional<std::string> data = ReadBytes(size + 2, deadline);
      if (!data || data->substr(size) != "\r\n") return std::nullopt;
      if (size == 0) break;
      reply->body.append(*data, 0, size);
    }
    return reply;
  }
  std::string length = reply->header("content-length");
  if (!length.empty()) {
    size_t size = 0;
    if (!absl::SimpleAtoi(length, &size)) return std::nullopt;
    std::optional<std::string> body = ReadBytes(size, deadline);
    if (!body) return std::nullopt;
    reply->body = std::move(*body);
    return reply;
  }
  if (reply->status == 204 || reply->status == 304) return reply;
  while (Fill(deadline)) {
  }
  if (!eof_) return std::nullopt;  // no end in time
  reply->body = std::move(buffer_);
  buffer_.clear();
  return reply;
}

bool RawHttpClient::WaitClosed(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!eof_) {
    buffer_.clear();
    if (!Fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string PostRequest(int port, absl::string_view path, absl::string_view content_type,
                        absl::string_view body, absl::string_view extra_headers,
                        absl::string_view token) {
  std::string request = absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: 127.0.0.1:", port,
                                     "\r\nContent-Type: ", content_type,
                                     "\r\nContent-Length: ", body.size(), "\r\n");
  if (!token.empty()) absl::StrAppend(&request, "Authorization: Bearer ", token, "\r\n");
  absl::StrAppend(&request, extra_headers, "\r\n", body);
  return request;
}

std::string GetRequest(int port, absl::string_view target, absl::string_view extra_headers,
                       absl::string_view token) {
  std::string request = absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: 127.0.0.1:", port, "\r\n");
  if (!token.empty()) absl::StrAppend(&request, "Authorization: Bearer ", token, "\r\n");
  absl::StrAppend(&request, extra_headers, "\r\n");
  return request;
}

std::string Envelope(uint8_t flags, absl::string_view payload) {
  const auto size = static_cast<uint32_t>(payload.size());
  std::string out;
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>(size >> 24));
  out.push_back(static_cast<char>(size >> 16));
  out.push_back(static_cast<char>(size >> 8));
  out.push_back(static_cast<char>(size));
  out.append(payload.data(), payload.size());
  return out;
}

std::optional<std::vector<Frame>> SplitEnvelopes(absl::string_view body) {
  std::vector<Frame> frames;
  while (!body.empty()) {
    if (body.size() < 5) return std::nullopt;
    const uint32_t size = (uint32_t{static_cast<uint8_t>(body[1])} << 24) |
                          (uint32_t{static_cast<uint8_t>(body[2])} << 16) |
                          (uint32_t{static_cast<uint8_t>(body[3])} << 8) |
                          uint32_t{static_cast<uint8_t>(body[4])};
    if (body.size() - 5 < size) return std::nullopt;
    frames.push_back(Frame{static_cast<uint8_t>(body[0]), std::string(body.substr(5, size))});
    body.remove_prefix(5 + size);
  }
  return frames;
}

// ---- Fixture ----

void ConnectTest::SetUp() {
  ASSERT_TRUE(pipebridge::testing::RegisterTestService(table_, probe_).ok());
  ASSERT_TRUE(table_.AddService(pipebridge::v1::PingRequest::descriptor()->file()->FindServiceByName(
                                    "BridgeService"))
                  .ok());
  // Ping as the contract declares it (NO_SIDE_EFFECTS), echoing as the real handler does.
  ASSERT_TRUE((table_.SetUnary<pipebridge::v1::PingRequest, pipebridge::v1::PingResponse>(
                   "pipebridge.v1.BridgeService/Ping",
                   [](rpc::CallContext&, const pipebridge::v1::PingRequest& request,
                      pipebridge::v1::PingResponse* response) {
                     response->set_payload(request.payload());
                     return absl::OkStatus();
                   }))
                  .ok());
  std::vector<std::unique_ptr<rpc::Interceptor>> chain;
  chain.push_back(std::make_unique<rpc::AuthInterceptor>(kToken));
  chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(rpc::DeadlinePolicy{}));
  dispatcher_ = std::make_unique<rpc::Dispatcher>(table_, std::move(chain), logger_);
  StartServer(DefaultOptions());
}

void ConnectTest::TearDown() {
  if (handler_) handler_->Shutdown(absl::Seconds(1));
  if (server_) server_->Shutdown(absl::Seconds(1));
  // A cancelled delayed Echo may still be completing through the dispatcher.
  EXPECT_TRUE(probe_.WaitForHandlers());
}

jsonrpc::JsonRpcServerOptions ConnectTest::DefaultOptions() {
  jsonrpc::JsonRpcServerOptions options;
  options.token = kToken;
  options.tcp_port = -1;
  return options;
}

void ConnectTest::StartServer(jsonrpc::JsonRpcServerOptions options) {
  if (handler_) handler_->Shutdown(absl::Seconds(1));
  if (server_) server_->Shutdown(absl::Seconds(1));
  server_.reset();
  ConnectHandlerOptions connect_options;
  connect_options.token = options.token;
  connect_options.max_message_bytes = options.max_message_bytes;
  connect_options.compress_min_bytes = compress_min_bytes_;
  connect_options.allowed_origins = options.allowed_origins;
  connect_options.allow_missing_origin = options.allow_missing_origin;
  connect_options.max_json_depth = options.max_depth;
  handler_ = std::make_shared<ConnectHandler>(*dispatcher_, connect_options);
  options.http_handler = handler_;
  auto server = jsonrpc::JsonRpcServer::Start(*dispatcher_, std::move(options));
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(server).value();
}

std::optional<HttpReply> ConnectTest::RoundTrip(const std::string& request) {
  auto client = RawHttpClient::Connect(port());
  if (!client || !client->Send(request)) return std::nullopt;
  return client->Read();
}

bool ConnectTest::WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (predicate()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return predicate();
}

}  // namespace pipebridge::connect::testing
