#include "tests/jsonrpc/jsonrpc_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "absl/strings/str_cat.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"

namespace pipebridge::jsonrpc::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

int ConnectTcp(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

json InitializeRequest() {
  return json{{"jsonrpc", "2.0"},
              {"id", "init"},
              {"method", "$/initialize"},
              {"params",
               {{"token", kToken},
                {"client", {{"name", "jsonrpc_test"}, {"version", "1.0"}}},
                {"protocolVersion", 1}}}};
}

}  // namespace

json EchoRequest(const json& id, const std::string& text, int delay_ms) {
  json params = {{"text", text}};
  if (delay_ms > 0) params["delayMs"] = delay_ms;
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", kEcho}, {"params", params}};
}

// ---- LineClient ----

std::unique_ptr<LineClient> LineClient::Connect(int port) {
  int fd = ConnectTcp(port);
  if (fd < 0) return nullptr;
  return std::unique_ptr<LineClient>(new LineClient(fd));
}

LineClient::~LineClient() { ::close(fd_); }

bool LineClient::SendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool LineClient::Send(std::string_view text) {
  return SendRaw(absl::StrCat(absl::string_view(text.data(), text.size()), "\n"));
}

std::optional<std::string> LineClient::ReadLine(absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (true) {
    size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) continue;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<json> LineClient::Read(absl::Duration timeout) {
  std::optional<std::string> line = ReadLine(timeout);
  if (!line) return std::nullopt;
  return json::parse(*line);
}

bool LineClient::WaitClosed(absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, 20);
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return true;
  }
  return false;
}

json LineClient::Initialize() { return Call(InitializeRequest()); }

json LineClient::Call(const json& request) {
  EXPECT_TRUE(Send(request.dump()));
  std::optional<json> response = Read();
  EXPECT_TRUE(response.has_value()) << "no answer to " << request.dump();
  return response.value_or(json());
}

// ---- WsClient ----

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
};

std::unique_ptr<WsClient> WsClient::Connect(int port, const Options& options, std::string* error,
                                            std::string* accepted_subprotocol) {
  std::unique_ptr<WsClient> client(new WsClient());
  client->impl_ = std::make_unique<Impl>();
  auto& ws = client->impl_->ws;
  boost::system::error_code ec;
  ws.next_layer().connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      ec);
  if (ec) {
    *error = ec.message();
    return nullptr;
  }
  ws.next_layer().set_option(asio::ip::tcp::no_delay(true));
  timeval tv{5, 0};
  ::setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& request) {
    if (options.origin) request.set(beast::http::field::origin, *options.origin);
    if (options.subprotocols) {
      request.set(beast::http::field::sec_websocket_protocol, *options.subprotocols);
    }
  }));
  websocket::response_type response;
  std::string host = options.host.empty() ? absl::StrCat("127.0.0.1:", port) : options.host;
  ws.handshake(response, host, options.target, ec);
  if (ec) {
    *error = absl::StrCat(ec.message(), " (HTTP ", response.result_int(), ")");
    return nullptr;
  }
  if (accepted_subprotocol != nullptr) {
    auto it = response.find(beast::http::field::sec_websocket_protocol);
    *accepted_subprotocol = it == response.end() ? "" : std::string(it->value());
  }
  ws.read_message_max(64 * 1024 * 1024);
  return client;
}

WsClient::~WsClient() {
  if (impl_) {
    boost::system::error_code ignored;
    impl_->ws.next_layer().close(ignored);
  }
}

bool WsClient::Send(std::string_view text) {
  boost::system::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text.data(), text.size()), ec);
  return !ec;
}

bool WsClient::SendBinary(std::string_view bytes) {
  boost::system::error_code ec;
  impl_->ws.binary(true);
  impl_->ws.write(asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

std::optional<json> WsClient::Read() {
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  impl_->ws.read(buffer, ec);
  if (ec) {
    close_code_ = impl_->ws.reason().code;
    return std::nullopt;
  }
  return json::parse(beast::buffers_to_string(buffer.data()));
}

json WsClient::Initialize() { return Call(InitializeRequest()); }

json WsClient::Call(const json& request) {
  EXPECT_TRUE(Send(request.dump()));
  std::optional<json> response = Read();
  EXPECT_TRUE(response.has_value()) << "no answer to " << request.dump();
  return response.value_or(json());
}

// ---- HTTP ----

int HttpStatus(int port, const std::string& request) {
  auto client = LineClient::Connect(port);
  if (!client || !client->SendRaw(request)) return 0;
  std::optional<std::string> status_line = client->ReadLine();
  if (!status_line || status_line->size() < 12) return 0;
  return std::atoi(status_line->substr(9, 3).c_str());
}

// ---- Fixture ----

void JsonRpcTest::SetUp() {
  ASSERT_TRUE(pipebridge::testing::RegisterTestService(table_, probe_).ok());
  std::vector<std::unique_ptr<rpc::Interceptor>> chain;
  chain.push_back(std::make_unique<rpc::AuthInterceptor>(kToken));
  chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(rpc::DeadlinePolicy{}));
  dispatcher_ = std::make_unique<rpc::Dispatcher>(table_, std::move(chain), logger_);
  StartServer(DefaultOptions());
}

void JsonRpcTest::TearDown() {
  if (server_) server_->Shutdown(absl::Seconds(1));
  // A cancelled delayed Echo may still be completing through the dispatcher.
  EXPECT_TRUE(probe_.WaitForHandlers());
}

JsonRpcServerOptions JsonRpcTest::DefaultOptions() {
  JsonRpcServerOptions options;
  options.token = kToken;
  return options;
}

void JsonRpcTest::StartServer(JsonRpcServerOptions options) {
  if (server_) server_->Shutdown(absl::Seconds(1));
  server_.reset();
  if (options.token.empty()) options.token = kToken;
  auto server = JsonRpcServer::Start(*dispatcher_, std::move(options));
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(server).value();
}

bool JsonRpcTest::WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (predicate()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return predicate();
}

}  // namespace pipebridge::jsonrpc::testing
