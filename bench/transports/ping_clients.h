// One client per transport, each making one call at a time on one connection: the floor's
// ping-pong, JSON-RPC Ping over TCP and WebSocket (raw sockets, a minimal masked-frame
// WebSocket), Connect unary Ping (JSON and binary) and gRPC-Web Ping over HTTP/1.1
// keep-alive, and typed gRPC stubs for the bare echo and pipebridge's native Ping. Every
// client checks that the answer carries the payload it sent.
#pragma once

#include <memory>
#include <string>

namespace pipebridge::bench {

class PingClient {
 public:
  virtual ~PingClient() = default;
  // One round trip; false when it failed (the tool stops).
  virtual bool Call() = 0;
};

std::unique_ptr<PingClient> NewFloorClient(int port, size_t size);
std::unique_ptr<PingClient> NewJsonRpcTcpClient(int port, const std::string& token,
                                                const std::string& payload);
std::unique_ptr<PingClient> NewWebSocketClient(int port, const std::string& token,
                                               const std::string& payload);
// Connect unary: application/json and application/proto.
std::unique_ptr<PingClient> NewConnectJsonClient(int port, const std::string& token,
                                                 const std::string& payload);
std::unique_ptr<PingClient> NewConnectProtoClient(int port, const std::string& token,
                                                  const std::string& payload);
// gRPC-Web, application/grpc-web+proto (a data frame, then the trailers frame).
std::unique_ptr<PingClient> NewGrpcWebClient(int port, const std::string& token,
                                             const std::string& payload);
std::unique_ptr<PingClient> NewBareEchoClient(const std::string& address,
                                              const std::string& token, const std::string& payload);
std::unique_ptr<PingClient> NewGrpcPingClient(const std::string& address,
                                              const std::string& token, const std::string& payload);

}  // namespace pipebridge::bench
