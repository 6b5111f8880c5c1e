#include "adapters/jsonrpc/http_session.h"

#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "adapters/jsonrpc/http_handler.h"
#include "adapters/jsonrpc/origin_policy.h"
#include "adapters/jsonrpc/websocket_session.h"
#include "bridge/rpc/auth_interceptor.h"

namespace pipebridge::jsonrpc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string_view View(beast::string_view s) { return std::string_view(s.data(), s.size()); }

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
              Listener::Strand strand, int port)
      : state_(std::move(state)), stream_(std::move(socket)), strand_(std::move(strand)),
        port_(port) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(state_->options.max_message_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        absl::ToChronoNanoseconds(state_->options.read_timeout)));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                       self->OnRead(error);
                     });
  }

 private:
  void OnRead(const boost::system::error_code& error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted || error == asio::error::eof ||
        error == asio::error::connection_reset) {
      Close();
      return;
    }
    if (error) {
      // Malformed or oversized requests (including smuggling forms Beast refuses) end here.
      const bool too_large = error == http::error::body_limit || error == http::error::header_limit;
      Respond(too_large ? http::status::payload_too_large : http::status::bad_request,
              too_large ? "the request is larger than the server accepts\n"
                        : "malformed HTTP request\n",
              /*keep_alive=*/false, 11);
      return;
    }
    HttpRequest request = parser_->release();
    const int version = request.version();
    auto host = request.find(http::field::host);
    if (host == request.end() ||
        !HostAllowed(View(host->value()), port_, state_->options.allowed_hosts)) {
      Respond(http::status::forbidden,
              "forbidden: the Host header must name this machine's loopback address\n", false,
              version);
      return;
    }
    if (beast::websocket::is_upgrade(request)) {
      Upgrade(std::move(request));
      return;
    }
    if (state_->options.http_handler == nullptr) {
      Respond(http::status::not_found,
              "not found: JSON-RPC is served over WebSocket at /rpc\n", request.keep_alive(),
              version);
      return;
    }
    const bool keep_alive = request.keep_alive();
    state_->options.http_handler->Handle(
        std::move(request), [self = shared_from_this(), keep_alive](HttpResponse response) {
          asio::dispatch(self->strand_, [self, keep_alive,
                                         response = std::move(response)]() mutable {
            response.keep_alive(keep_alive && response.keep_alive());
            self->Write(std::move(response));
          });
        });
  }

  void Upgrade(HttpRequest request) {
    const int version = request.version();
    if (TargetPath(View(request.target())) != "/rpc") {
      Respond(http::status::not_found, "not found: the WebSocket endpoint is /rpc\n", false,
              version);
      return;
    }
    auto origin_field = request.find(http::field::origin);
    std::optional<std::string_view> origin;
    if (origin_field != request.end()) origin = View(origin_field->value());
    if (!OriginAllowed(origin, state_->options.allowed_origins,
                       state_->options.allow_missing_origin)) {
      Respond(http::status::forbidden,
              "forbidden: this Origin may not connect to the bridge (see allowed_origins)\n",
              false, version);
      return;
    }
    bool echo_subprotocol = false;
    std::optional<std::string> token;
    auto protocols = request.find(http::field::sec_websocket_protocol);
    if (protocols != request.end()) {
      SubprotocolOffer offer = ParseSubprotocols(View(protocols->value()));
      if (!offer.pipebridge) {
        Respond(http::status::bad_request,
                "bad request: offer the WebSocket subprotocol pipebridge.v1\n", false, version);
        return;
      }
      echo_subprotocol = true;
      token = std::move(offer.token);
    }
    if (!token.has_value()) token = QueryToken(View(request.target()));
    bool authenticated = false;
    if (token.has_value()) {
      if (!rpc::TokensEqual(*token, state_->options.token)) {
        Respond(http::status::unauthorized,
                "unauthorized: wrong token; use the token from the running bridge's discovery "
                "file\n",
                false, version);
        return;
      }
      authenticated = true;
    }
    stream_.expires_never();
    StartWebSocketSession(state_, std::move(stream_), strand_, std::move(request), authenticated,
                          echo_subprotocol);
  }

  void Respond(http::status status, std::string_view body, bool keep_alive, int version) {
    HttpResponse response(status, version);
    response.set(http::field::server, "pipebridge");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::string(body);
    response.keep_alive(keep_alive);
    response.prepare_payload();
    Write(std::move(response));
  }

  void Write(HttpResponse response) {
    response_ = std::make_shared<HttpResponse>(std::move(response));
    response_->prepare_payload();
    stream_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        absl::ToChronoNanoseconds(state_->options.read_timeout)));
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                        const bool keep_alive = self->response_->keep_alive();
                        self->response_.reset();
                        if (error || !keep_alive) {
                          self->Close();
                          return;
                        }
                        self->Read();
                      });
  }

  void Close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  std::shared_ptr<ServerState> state_;
  beast::tcp_stream stream_;
  Listener::Strand strand_;
  const int port_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
};

}  // namespace

void StartHttpSession(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
                      Listener::Strand strand, int port) {
  std::make_shared<HttpSession>(std::move(state), std::move(socket), std::move(strand), port)
      ->Read();
}

}  // namespace pipebridge::jsonrpc
