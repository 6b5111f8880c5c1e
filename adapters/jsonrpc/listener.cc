#include "adapters/jsonrpc/listener.h"

#include <boost/asio/dispatch.hpp>

#include "absl/strings/str_cat.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::jsonrpc {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string HostPort(const std::string& host, int port) {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

Listener::Listener(std::shared_ptr<ServerState> state, OnAccept on_accept)
    : state_(std::move(state)),
      strand_(asio::make_strand(state_->io)),
      acceptor_(strand_),
      retry_(strand_),
      on_accept_(std::move(on_accept)) {}

absl::StatusOr<std::shared_ptr<Listener>> Listener::Bind(std::shared_ptr<ServerState> state,
                                                         const std::string& host, int port,
                                                         OnAccept on_accept) {
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", port, " is out of range 0-65535"));
  }
  boost::system::error_code error;
  asio::ip::address address = asio::ip::make_address(host, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat("listen address \"", host,
                                                   "\" is not an IP address"));
  }
  std::shared_ptr<Listener> listener(new Listener(std::move(state), std::move(on_accept)));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  tcp::acceptor& acceptor = listener->acceptor_;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error == asio::error::address_in_use) {
    return absl::FailedPreconditionError(
        absl::StrCat(HostPort(host, port), " is already in use; stop the program using it or "
                     "choose another port"));
  }
  if (error == asio::error::access_denied) {
    return absl::PermissionDeniedError(absl::StrCat("no permission to listen on ",
                                                    HostPort(host, port)));
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", HostPort(host, port), ": ", error.message()));
  }
  listener->port_ = acceptor.local_endpoint().port();
  return listener;
}

void Listener::Start() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->Accept(); });
}

void Listener::Close() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::Accept() {
  if (!acceptor_.is_open()) return;
  Strand strand = asio::make_strand(state_->io);
  acceptor_.async_accept(strand, [self = shared_from_this(), strand](
                                     const boost::system::error_code& error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (error) {
      // Out of descriptors or similar: wait instead of spinning, keep serving who is connected.
      self->state_->dispatcher.logger().Warning(
          "jsonrpc: accept failed", {{"error", error.message()}});
      self->retry_.expires_after(std::chrono::milliseconds(100));
      self->retry_.async_wait([self](const boost::system::error_code& e) {
        if (!e) self->Accept();
      });
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::dispatch(strand, [self, strand, socket = std::move(socket)]() mutable {
      self->on_accept_(std::move(socket), strand);
    });
    self->Accept();
  });
}

}  // namespace pipebridge::jsonrpc
