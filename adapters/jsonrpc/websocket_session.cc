#include "adapters/jsonrpc/websocket_session.h"

#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "absl/strings/str_cat.h"
#include "adapters/jsonrpc/jsonrpc_connection.h"
#include "adapters/jsonrpc/origin_policy.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::jsonrpc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// A large message's buffer is given back after it is handled.
constexpr size_t kKeptBuffer = 1 << 20;

rpc::Peer PeerOf(const beast::tcp_stream& stream) {
  boost::system::error_code error;
  auto endpoint = stream.socket().remote_endpoint(error);
  std::string address;
  if (!error) {
    address = endpoint.address().is_v6()
                  ? absl::StrCat("ipv6:[", endpoint.address().to_string(), "]:", endpoint.port())
                  : absl::StrCat("ipv4:", endpoint.address().to_string(), ":", endpoint.port());
  }
  return rpc::Peer{"jsonrpc-ws", std::move(address)};
}

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

class WebSocketSession final : public JsonRpcConnection {
 public:
  WebSocketSession(std::shared_ptr<ServerState> state, beast::tcp_stream stream, Strand strand,
                   rpc::Peer peer, bool authenticated, HttpRequest request)
      : JsonRpcConnection(std::move(state), std::move(strand), std::move(peer), authenticated,
                          /*newline_delimited=*/false),
        ws_(std::move(stream)),
        request_(std::move(request)) {}

  void Accept(bool echo_subprotocol) {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = ToChrono(options().read_timeout);
    // Liveness: a ping after half of this without data, closed after all of it.
    timeout.idle_timeout = ToChrono(options().read_timeout);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [echo_subprotocol](websocket::response_type& response) {
          response.set(beast::http::field::server, "pipebridge");
          if (echo_subprotocol) {
            response.set(beast::http::field::sec_websocket_protocol, kSubprotocol);
          }
        }));
    ws_.read_message_max(options().max_message_bytes);
    ws_.auto_fragment(false);
    ws_.async_accept(request_, [self = Self()](const boost::system::error_code& error) {
      self->request_ = {};
      if (error) {
        self->HandleClosed();
        return;
      }
      self->open_ = true;
      self->Open();
      self->Read();
    });
  }

 private:
  std::shared_ptr<WebSocketSession> Self() {
    return std::static_pointer_cast<WebSocketSession>(shared_from_this());
  }

  void Read() {
    if (closed() || reading_) return;
    reading_ = true;
    ws_.async_read(buffer_, [self = Self()](const boost::system::error_code& error, size_t bytes) {
      self->OnRead(error, bytes);
    });
  }

  void OnRead(const boost::system::error_code& error, size_t bytes) {
    reading_ = false;
    if (error) {
      // Beast already sent the close frame for protocol errors (1009 for message_too_big).
      HandleClosed();
      return;
    }
    if (!ws_.got_text()) {
      Close(websocket::close_code::unknown_data,
            "pipebridge expects text messages (JSON-RPC 2.0), not binary");
      return;
    }
    buffer_.prepare(kPadding);  // the parser reads past the end; may move the data
    HandleMessage(static_cast<const char*>(buffer_.data().data()), bytes);
    buffer_.consume(bytes);
    if (buffer_.capacity() > kKeptBuffer) buffer_.shrink_to_fit();
    NoteRead(false);
    if (ShouldPauseReading()) return;
    Read();
  }

  void StartWrite() override {
    ws_.text(true);
    writing_ = true;
    ws_.async_write(asio::buffer(queued_output().front().text),
                    [self = Self()](const boost::system::error_code& error, size_t) {
                      self->writing_ = false;
                      if (self->pending_close_) {
                        // Closed while this write was in flight: Beast allows one write-side
                        // operation at a time, so the close handshake starts now.
                        auto reason = std::move(*self->pending_close_);
                        self->pending_close_.reset();
                        self->StartClose(std::move(reason));
                      }
                      self->HandleWriteDone(1, !error);
                    });
  }

  void ResumeReading() override { Read(); }

  void CloseTransport(std::string_view reason) override {
    Close(websocket::close_code::going_away, reason);
  }

  void Close(websocket::close_code code, std::string_view reason) {
    if (closed()) return;
    const auto& logger = state()->dispatcher.logger();
    if (logger.Enabled(rpc::LogLevel::kDebug)) {
      logger.Debug("jsonrpc: websocket closed",
                   {{"peer", peer().address},
                    {"reason", absl::string_view(reason.data(), reason.size())}});
    }
    if (open_) {
      websocket::close_reason close_reason(code);
      close_reason.reason = std::string(reason.substr(0, 120));
      if (writing_) {
        pending_close_ = std::move(close_reason);
      } else {
        StartClose(std::move(close_reason));
      }
    } else {
      beast::get_lowest_layer(ws_).close();
    }
    HandleClosed();
  }

  // The close handshake, bounded by the stream's handshake timeout (set at Accept).
  void StartClose(websocket::close_reason close_reason) {
    ws_.async_close(close_reason, [self = Self()](const boost::system::error_code&) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                           ignored);
      beast::get_lowest_layer(self->ws_).close();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  HttpRequest request_;
  bool open_ = false;
  bool reading_ = false;
  bool writing_ = false;
  std::optional<websocket::close_reason> pending_close_;
};

}  // namespace

void StartWebSocketSession(std::shared_ptr<ServerState> state, beast::tcp_stream stream,
                           Listener::Strand strand, HttpRequest request, bool authenticated,
                           bool echo_subprotocol) {
  rpc::Peer peer = PeerOf(stream);
  auto session = std::make_shared<WebSocketSession>(std::move(state), std::move(stream),
                                                    std::move(strand), std::move(peer),
                                                    authenticated, std::move(request));
  session->Accept(echo_subprotocol);
}

}  // namespace pipebridge::jsonrpc
