// Binds one TCP port and accepts connections, each handed over on its own strand. Shared by
// the TCP (newline-delimited) and the HTTP/WebSocket listeners.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "absl/status/statusor.h"
#include "adapters/jsonrpc/server_state.h"

namespace pipebridge::jsonrpc {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // Runs on the new connection's strand (the socket's executor is that strand).
  using OnAccept = std::function<void(boost::asio::ip::tcp::socket socket, Strand strand)>;

  // FAILED_PRECONDITION "<host>:<port> is already in use ..." for a taken port,
  // INVALID_ARGUMENT for a host that is not an IP address.
  static absl::StatusOr<std::shared_ptr<Listener>> Bind(std::shared_ptr<ServerState> state,
                                                        const std::string& host, int port,
                                                        OnAccept on_accept);
  int port() const { return port_; }
  void Start();
  // Any thread; stops accepting.
  void Close();

 private:
  Listener(std::shared_ptr<ServerState> state, OnAccept on_accept);
  void Accept();

  std::shared_ptr<ServerState> state_;
  Strand strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  OnAccept on_accept_;
  int port_ = 0;
};

// "127.0.0.1:8080", "[::1]:8080".
std::string HostPort(const std::string& host, int port);

}  // namespace pipebridge::jsonrpc
