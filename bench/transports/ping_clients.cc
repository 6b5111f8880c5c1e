#include "bench/transports/ping_clients.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/transports/loopback.h"
#include "echo.grpc.pb.h"
#include "pipebridge/v1/bridge.grpc.pb.h"

namespace pipebridge::bench {
namespace {

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

// Reads through a buffer: lines (TCP) and HTTP heads + bodies (Connect).
class BufferedSocket {
 public:
  explicit BufferedSocket(int port) : fd_(ConnectLoopback(port)) {}
  ~BufferedSocket() { ::close(fd_); }
  int fd() const { return fd_; }

  // Up to and without `delimiter`.
  bool ReadUntil(const std::string& delimiter, std::string* out) {
    while (true) {
      size_t at = buffer_.find(delimiter);
      if (at != std::string::npos) {
        out->assign(buffer_, 0, at);
        buffer_.erase(0, at + delimiter.size());
        return true;
      }
      if (!Fill()) return false;
    }
  }
  bool ReadBytes(size_t size, std::string* out) {
    while (buffer_.size() < size) {
      if (!Fill()) return false;
    }
    out->assign(buffer_, 0, size);
    buffer_.erase(0, size);
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
  std::string buffer_;
};

class JsonRpcTcpClient : public PingClient {
 public:
  JsonRpcTcpClient(int port, const std::string& token, const std::string& payload)
      : socket_(port), payload_(payload) {
    std::string init = absl::StrCat(
        R"({"jsonrpc":"2.0","id":0,"method":"$/initialize","params":{"token":")", token,
        R"(","client":{"name":"transport_load","version":"1"},"protocolVersion":1}})", "\n");
    std::string line;
    if (!WriteAll(socket_.fd(), init.data(), init.size()) || !socket_.ReadUntil("\n", &line) ||
        line.find("\"result\"") == std::string::npos) {
      std::fprintf(stderr, "JSON-RPC $/initialize failed: %s\n", line.c_str());
      std::exit(1);
    }
  }
  bool Call() override {
    std::string request = PingRequestJson(++id_, payload_) + "\n";
    std::string line;
    return WriteAll(socket_.fd(), request.data(), request.size()) &&
           socket_.ReadUntil("\n", &line) && line.find("\"result\"") != std::string::npos;
  }

 private:
  BufferedSocket socket_;
  std::string payload_;
  int64_t id_ = 0;
};

class WebSocketClient : public PingClient {
 public:
  WebSocketClient(int port, const std::string& token, const std::string& payload)
      : fd_(ConnectLoopback(port)), payload_(payload) {
    std::string upgrade = absl::StrCat(
        "GET /rpc?token=", token, " HTTP/1.1\r\nHost: 127.0.0.1:", port,
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    WriteAll(fd_, upgrade.data(), upgrade.size());
    std::string response;
    char c;
    while (response.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) {
      response.push_back(c);
    }
    if (response.compare(0, 12, "HTTP/1.1 101") != 0) {
      std::fprintf(stderr, "websocket upgrade refused: %s\n", response.c_str());
      std::exit(1);
    }
  }
  ~WebSocketClient() override { ::close(fd_); }
  bool Call() override {
    std::string text = PingRequestJson(++id_, payload_);
    // One masked text frame (clients must mask).
    std::string frame;
    frame.push_back(static_cast<char>(0x81));
    if (text.size() < 126) {
      frame.push_back(static_cast<char>(0x80 | text.size()));
    } else {
      frame.push_back(static_cast<char>(0x80 | 126));
      frame.push_back(static_cast<char>((text.size() >> 8) & 0xff));
      frame.push_back(static_cast<char>(text.size() & 0xff));
    }
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (size_t i = 0; i < text.size(); ++i) frame.push_back(static_cast<char>(text[i] ^ mask[i % 4]));
    if (!WriteAll(fd_, frame.data(), frame.size())) return false;
    unsigned char header[2];
    if (!ReadExactly(fd_, reinterpret_cast<char*>(header), 2)) return false;
    size_t length = header[1] & 0x7f;
    if (length == 126) {
      unsigned char ext[2];
      if (!ReadExactly(fd_, reinterpret_cast<char*>(ext), 2)) return false;
      length = (size_t{ext[0]} << 8) | ext[1];
    } else if (length == 127) {
      return false;
    }
    reply_.resize(length);
    return ReadExactly(fd_, reply_.data(), length) &&
           reply_.find("\"result\"") != std::string::npos;
  }

 private:
  int fd_;
  std::string payload_;
  std::string reply_;
  int64_t id_ = 0;
};

class ConnectClient : public PingClient {
 public:
  ConnectClient(int port, const std::string& token, const std::string& payload)
      : socket_(port),
        head_(absl::StrCat("POST /pipebridge.v1.BridgeService/Ping HTTP/1.1\r\nHost: 127.0.0.1:",
                           port,
                           "\r\nContent-Type: application/json\r\nConnect-Protocol-Version: 1\r\n"
                           "Authorization: Bearer ",
                           token, "\r\nContent-Length: ")),
        body_(absl::StrCat(R"({"payload":")", payload, R"("})")) {}
  bool Call() override {
    std::string request = absl::StrCat(head_, body_.size(), "\r\n\r\n", body_);
    std::string head;
    if (!WriteAll(socket_.fd(), request.data(), request.size()) ||
        !socket_.ReadUntil("\r\n\r\n", &head)) {
      return false;
    }
    if (head.compare(0, 12, "HTTP/1.1 200") != 0) {
      std::fprintf(stderr, "Connect Ping answered: %s\n", head.substr(0, head.find('\r')).c_str());
      return false;
    }
    size_t at = head.find("ontent-Length: ");  // [Cc]ontent-Length
    size_t length = 0;
    if (at == std::string::npos ||
        !absl::SimpleAtoi(head.substr(at + 15, head.find('\r', at) - at - 15), &length)) {
      std::fprintf(stderr, "Connect Ping answered without Content-Length\n");
      return false;
    }
    std::string body;
    return socket_.ReadBytes(length, &body) && body.find("\"payload\"") != std::string::npos;
  }

 private:
  BufferedSocket socket_;
  const std::string head_;
  const std::string body_;
};

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
std::unique_ptr<PingClient> NewConnectClient(int port, const std::string& token,
                                             const std::string& payload) {
  return std::make_unique<ConnectClient>(port, token, payload);
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
