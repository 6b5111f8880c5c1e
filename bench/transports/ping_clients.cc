#include "bench/transports/ping_clients.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/transports/jsonrpc_wire.h"
#include "bench/transports/loopback.h"
#include "echo.grpc.pb.h"
#include "pipebridge/v1/bridge.grpc.pb.h"

namespace pipebridge::bench {
namespace {

// What a JSON answer to Ping must contain.
std::string PayloadJson(const std::string& payload) {
  return absl::StrCat(R"("payload":")", payload, R"(")");
}

bool Contains(std::string_view body, const std::string& expected) {
  return body.find(expected) != std::string_view::npos;
}

std::string PingRequestJson(int64_t id, const std::string& payload) {
  return absl::StrCat(R"({"jsonrpc":"2.0","id":)", id,
                      R"(,"method":"pipebridge.v1.BridgeService/Ping","params":{"payload":")",
                      payload, R"("}})");
}

class FloorClient : public PingClient {
 public:
  FloorClient(int port, size_t size)
      : fd_(ConnectLoopback(port)), message_(size, 'x'), reply_(size, 0) {}
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

class JsonRpcTcpClient : public PingClient {
 public:
  JsonRpcTcpClient(int port, const std::string& token, const std::string& payload)
      : socket_(port), payload_(payload), expected_(PayloadJson(payload)) {
    InitializeJsonRpcTcp(socket_, token);
  }
  bool Call() override {
    std::string request = PingRequestJson(++id_, payload_) + "\n";
    std::string_view line;
    return WriteAll(socket_.fd(), request.data(), request.size()) &&
           socket_.ReadUntil("\n", &line) && Contains(line, expected_);
  }

 private:
  BufferedSocket socket_;
  const std::string payload_;
  const std::string expected_;
  int64_t id_ = 0;
};

class WebSocketClient : public PingClient {
 public:
  WebSocketClient(int port, const std::string& token, const std::string& payload)
      : socket_(port), payload_(payload), expected_(PayloadJson(payload)) {
    UpgradeToWebSocket(socket_, port, token);
  }
  bool Call() override {
    std::string_view reply;
    return WriteTextFrame(socket_.fd(), PingRequestJson(++id_, payload_)) &&
           ReadTextFrame(socket_, &reply) && Contains(reply, expected_);
  }

 private:
  BufferedSocket socket_;
  const std::string payload_;
  const std::string expected_;
  int64_t id_ = 0;
};

// One HTTP/1.1 POST of Ping at a time on a keep-alive connection (Connect unary or gRPC-Web),
// reading each response by its Content-Length (the server sends one for unary answers).
// `answered(body, expected)` checks the body: an answer that is not Ping's stops the tool.
class HttpPingClient : public PingClient {
 public:
  using BodyCheck = bool (*)(std::string_view body, const std::string& expected);
  HttpPingClient(int port, const std::string& token, const char* content_type,
                 const char* extra_headers, std::string body, std::string expected,
                 BodyCheck answered)
      : socket_(port),
        request_(absl::StrCat("POST /pipebridge.v1.BridgeService/Ping HTTP/1.1\r\nHost: 127.0.0.1:",
                              port, "\r\nContent-Type: ", content_type, "\r\n", extra_headers,
                              "Authorization: Bearer ", token,
                              "\r\nContent-Length: ", body.size(), "\r\n\r\n", body)),
        expected_(std::move(expected)),
        answered_(answered) {}
  bool Call() override {
    std::string_view head;
    if (!WriteAll(socket_.fd(), request_.data(), request_.size()) ||
        !socket_.ReadUntil("\r\n\r\n", &head)) {
      return false;
    }
    if (head.substr(0, 12) != "HTTP/1.1 200") {
      std::string status(head.substr(0, head.find('\r')));
      std::fprintf(stderr, "HTTP Ping answered: %s\n", status.c_str());
      return false;
    }
    size_t at = head.find("ontent-Length: ");  // [Cc]ontent-Length
    size_t length = 0;
    std::string_view value;
    if (at != std::string_view::npos) {
      value = head.substr(at + 15);
      value = value.substr(0, value.find('\r'));  // the last field has no CRLF here
    }
    if (value.empty() || !absl::SimpleAtoi(absl::string_view(value.data(), value.size()), &length)) {
      std::fprintf(stderr, "HTTP Ping answered without Content-Length\n");
      return false;
    }
    std::string_view body;
    if (!socket_.ReadBytes(length, &body)) return false;
    if (!answered_(body, expected_)) {
      std::fprintf(stderr, "HTTP Ping answered with an unexpected body (%zu bytes)\n", length);
      return false;
    }
    return true;
  }

 private:
  BufferedSocket socket_;
  const std::string request_;
  const std::string expected_;
  const BodyCheck answered_;
};

std::string PingProto(const std::string& payload) {
  v1::PingRequest request;
  request.set_payload(payload);
  return request.SerializeAsString();
}

bool ProtoPingAnswered(std::string_view body, const std::string& payload) {
  v1::PingResponse response;
  return response.ParseFromArray(body.data(), static_cast<int>(body.size())) &&
         response.payload() == payload;
}

// The 5-byte envelope of gRPC-Web (and Connect streaming): flags, then a big-endian size.
std::string Enveloped(uint8_t flags, const std::string& message) {
  std::string out(5, '\0');
  const auto size = static_cast<uint32_t>(message.size());
  out[0] = static_cast<char>(flags);
  out[1] = static_cast<char>(size >> 24);
  out[2] = static_cast<char>(size >> 16);
  out[3] = static_cast<char>(size >> 8);
  out[4] = static_cast<char>(size);
  return out + message;
}

// A data frame holding the PingResponse, then the trailers frame (flag 0x80) with status 0.
bool GrpcWebPingAnswered(std::string_view body, const std::string& payload) {
  auto frame_size = [&body](size_t at) {
    return (size_t{static_cast<uint8_t>(body[at + 1])} << 24) |
           (size_t{static_cast<uint8_t>(body[at + 2])} << 16) |
           (size_t{static_cast<uint8_t>(body[at + 3])} << 8) | static_cast<uint8_t>(body[at + 4]);
  };
  if (body.size() < 5 || body[0] != 0) return false;
  const size_t data_size = frame_size(0);
  const size_t trailers_at = 5 + data_size;
  if (body.size() < trailers_at + 5 || static_cast<uint8_t>(body[trailers_at]) != 0x80) return false;
  return ProtoPingAnswered(body.substr(5, data_size), payload) &&
         body.find("grpc-status:0", trailers_at) != std::string_view::npos;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one TCP connection per channel
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

template <typename Service, typename Request, typename Response>
class GrpcClient : public PingClient {
 public:
  using Method = grpc::Status (Service::Stub::*)(grpc::ClientContext*, const Request&, Response*);
  GrpcClient(const std::string& address, const std::string& token, const std::string& payload,
             Method method)
      : stub_(Service::NewStub(NewChannel(address))), bearer_("Bearer " + token), method_(method) {
    request_.set_payload(payload);
  }
  bool Call() override {
    grpc::ClientContext context;
    context.AddMetadata("authorization", bearer_);  // the same bytes on the wire for both
    Response response;
    return ((*stub_).*method_)(&context, request_, &response).ok();
  }

 private:
  std::unique_ptr<typename Service::Stub> stub_;
  const std::string bearer_;
  const Method method_;
  Request request_;
};

}  // namespace

std::unique_ptr<PingClient> NewFloorClient(int port, size_t size) {
  return std::make_unique<FloorClient>(port, size);
}
std::unique_ptr<PingClient> NewJsonRpcTcpClient(int port, const std::string& token,
                                                const std::string& payload) {
  return std::make_unique<JsonRpcTcpClient>(port, token, payload);
}
std::unique_ptr<PingClient> NewWebSocketClient(int port, const std::string& token,
                                               const std::string& payload) {
  return std::make_unique<WebSocketClient>(port, token, payload);
}
std::unique_ptr<PingClient> NewConnectJsonClient(int port, const std::string& token,
                                                 const std::string& payload) {
  return std::make_unique<HttpPingClient>(
      port, token, "application/json", "Connect-Protocol-Version: 1\r\n",
      absl::StrCat("{", PayloadJson(payload), "}"), PayloadJson(payload), Contains);
}
std::unique_ptr<PingClient> NewConnectProtoClient(int port, const std::string& token,
                                                  const std::string& payload) {
  return std::make_unique<HttpPingClient>(
      port, token, "application/proto", "Connect-Protocol-Version: 1\r\n", PingProto(payload),
      payload, ProtoPingAnswered);
}
std::unique_ptr<PingClient> NewGrpcWebClient(int port, const std::string& token,
                                             const std::string& payload) {
  return std::make_unique<HttpPingClient>(port, token, "application/grpc-web+proto",
                                          "X-Grpc-Web: 1\r\n",
                                          Enveloped(0, PingProto(payload)), payload,
                                          GrpcWebPingAnswered);
}
std::unique_ptr<PingClient> NewBareEchoClient(const std::string& address,
                                              const std::string& token, const std::string& payload) {
  return std::make_unique<GrpcClient<EchoService, EchoMessage, EchoMessage>>(
      address, token, payload, &EchoService::Stub::Echo);
}
std::unique_ptr<PingClient> NewGrpcPingClient(const std::string& address,
                                              const std::string& token, const std::string& payload) {
  return std::make_unique<GrpcClient<v1::BridgeService, v1::PingRequest, v1::PingResponse>>(
      address, token, payload, &v1::BridgeService::Stub::Ping);
}

}  // namespace pipebridge::bench
