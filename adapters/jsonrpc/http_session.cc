#include "adapters/jsonrpc/http_session.h"

#include <array>
#include <cstdio>
#include <deque>
#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "absl/strings/str_cat.h"

#include "adapters/jsonrpc/http_handler.h"
#include "adapters/jsonrpc/origin_policy.h"
#include "adapters/jsonrpc/request_target.h"
#include "adapters/jsonrpc/websocket_session.h"
#include "bridge/rpc/auth_interceptor.h"

namespace pipebridge::jsonrpc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string_view View(beast::string_view s) { return std::string_view(s.data(), s.size()); }

// Framing forms that two HTTP parsers may read differently (request smuggling), which Beast
// accepts: repeated Content-Length fields or values (even equal ones), and a Transfer-Encoding
// other than exactly "chunked" (with another coding Beast reads no body, and the body would be
// taken for the next request). Beast itself refuses Content-Length with chunked. RFC 9112
// section 6.3 says to answer 400 and close; empty when the framing is unambiguous.
std::string_view AmbiguousFraming(const HttpRequest& request) {
  const auto lengths = request.count(http::field::content_length);
  if (lengths > 1 ||
      (lengths == 1 && request[http::field::content_length].find(',') != beast::string_view::npos)) {
    return "bad request: more than one Content-Length\n";
  }
  const auto encodings = request.count(http::field::transfer_encoding);
  if (encodings > 1 ||
      (encodings == 1 && !beast::iequals(request[http::field::transfer_encoding], "chunked"))) {
    return "bad request: the only Transfer-Encoding accepted is \"chunked\", once\n";
  }
  return {};
}

// The status line and fields of `response`, as Beast's serializer writes them:
// "HTTP/1.1 200 OK\r\n", each field "Name: value\r\n" in insertion order, then "\r\n".
void AppendHead(const HttpResponse& response, std::string* out) {
  const unsigned version = response.version();
  char status_line[32];
  int length = std::snprintf(status_line, sizeof status_line, "HTTP/%u.%u %u ", version / 10,
                             version % 10, response.result_int());
  out->append(status_line, static_cast<size_t>(length));
  const beast::string_view reason = response.reason();
  out->append(reason.data(), reason.size());
  out->append("\r\n");
  for (const auto& field : response) {
    const beast::string_view name = field.name_string();
    const beast::string_view value = field.value();
    out->append(name.data(), name.size());
    out->append(": ");
    out->append(value.data(), value.size());
    out->append("\r\n");
  }
  out->append("\r\n");
}

class HttpSession;
class Exchange;
std::shared_ptr<HttpResponder> NewExchange(std::shared_ptr<HttpSession> session, uint64_t id);

class HttpSession : public OpenConnection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
              Listener::Strand strand, int port)
      : state_(std::move(state)), stream_(std::move(socket)), strand_(std::move(strand)),
        port_(port), watchdog_(strand_) {}
  ~HttpSession() override { state_->Unregister(this); }

  // Registered so Shutdown closes it: an idle keep-alive session or a stream's client-gone
  // probe waits on a read that would otherwise keep the session, and the server state it
  // holds, alive past the io_context.
  void Start() {
    state_->Register(this, weak_from_this());
    Read();
  }

  // Shutdown: as if the client went away, so a call still running is cancelled.
  void CloseFromAnyThread() override {
    asio::dispatch(strand_, [self = shared_from_this()] {
      if (!self->closed_) self->ClientGone();
    });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(state_->options.max_message_bytes);
    parser_->header_limit(16 * 1024);
    SetDeadline();
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
    if (std::string_view why = AmbiguousFraming(request); !why.empty()) {
      Respond(http::status::bad_request, why, /*keep_alive=*/false, version);
      return;
    }
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
    HandOver(std::move(request));
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
    // The WebSocket session bounds its own reads and writes from here on.
    ClearDeadline();
    watchdog_.cancel();
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

  // The head is serialized here and written with the body in one gather write: Beast's
  // serializer (a composed operation per buffer sequence, its response held in a shared_ptr)
  // cost about as much per unary call as the rest of the session's write path together.
  void Write(HttpResponse response) {
    response.prepare_payload();
    write_keep_alive_ = response.keep_alive();
    write_head_.clear();
    AppendHead(response, &write_head_);
    write_body_ = std::move(response.body());
    SetDeadline();
    const std::array<asio::const_buffer, 2> buffers = {asio::buffer(write_head_),
                                                       asio::buffer(write_body_)};
    asio::async_write(stream_, buffers,
                      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                        self->write_body_.clear();
                        self->OnResponseWritten(!error && self->write_keep_alive_);
                      });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    on_client_gone_ = nullptr;
    watchdog_.cancel();
    boost::system::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    FailQueuedChunks();
  }

  // ---- Timeouts ----
  // Every read of a request and every write must complete within read_timeout. One timer per
  // connection enforces it, re-armed lazily: starting an operation only moves deadline_, so
  // the requests of a keep-alive connection cost no timer operation each (Beast's stream
  // timeouts arm a timer, cancel it and run its aborted handler for every read and write).

  void SetDeadline() {
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    absl::ToChronoNanoseconds(state_->options.read_timeout));
    if (!watchdog_armed_) ArmWatchdog(deadline_);
  }

  void ClearDeadline() { deadline_ = std::chrono::steady_clock::time_point::max(); }

  void ArmWatchdog(std::chrono::steady_clock::time_point when) {
    watchdog_armed_ = true;
    watchdog_.expires_at(when);
    watchdog_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
      if (error) return;
      if (auto self = weak.lock()) self->OnWatchdog();
    });
  }

  void OnWatchdog() {
    watchdog_armed_ = false;
    if (closed_ || deadline_ == std::chrono::steady_clock::time_point::max()) return;
    if (std::chrono::steady_clock::now() >= deadline_) {
      Close();  // the read or write in progress ends with operation_aborted
      return;
    }
    ArmWatchdog(deadline_);
  }

  // ---- Requests handed to the HttpHandler (see HttpResponder) ----

  void HandOver(HttpRequest request) {
    ++exchange_id_;
    keep_alive_ = request.keep_alive();
    http_version_ = request.version();
    answered_ = streaming_ = end_queued_ = complete_ = false;
    on_client_gone_ = nullptr;
    ClearDeadline();  // the handler takes its time (its call has its own deadline)
    state_->options.http_handler->Handle(std::move(request),
                                         NewExchange(shared_from_this(), exchange_id_));
    // Watch for the client going away only while an answer is outstanding (a handler that
    // completes later, or a stream): a handler that answered at once costs no extra read.
    if (!closed_ && !complete_ && (!answered_ || streaming_)) Probe();
  }

  // A read while the handler works: EOF or an error means the client is gone (as Go's
  // net/http cancels a request's context); bytes of a pipelined next request are kept in
  // buffer_ for the parser. The raw socket is read so the stream's write timeout is untouched.
  void Probe() {
    if (probing_ || closed_ || buffer_.size() >= kMaxProbeBytes) return;
    probing_ = true;
    stream_.socket().async_read_some(
        buffer_.prepare(4096),
        [self = shared_from_this()](const boost::system::error_code& error, size_t n) {
          self->OnProbe(error, n);
        });
  }

  void OnProbe(const boost::system::error_code& error, size_t n) {
    probing_ = false;
    if (!error) buffer_.commit(n);
    if (closed_) return;
    if (resume_after_probe_) {  // the response is complete: back to reading requests
      resume_after_probe_ = false;
      Read();
      return;
    }
    if (!error) {
      Probe();
      return;
    }
    ClientGone();
  }

  void ClientGone() {
    std::function<void()> callback = std::move(on_client_gone_);
    on_client_gone_ = nullptr;
    Close();
    if (callback && !complete_) callback();
  }

  // The whole response is written: `reuse` when the connection may carry the next request.
  void OnResponseWritten(bool reuse) {
    complete_ = true;
    on_client_gone_ = nullptr;
    if (!reuse) {
      Close();
      return;
    }
    ClearDeadline();
    if (probing_) {
      // The probe holds the socket's read side: cancel it; its completion resumes reading.
      resume_after_probe_ = true;
      boost::system::error_code ignored;
      stream_.socket().cancel(ignored);
      return;
    }
    Read();
  }

  void ExchangeRespond(HttpResponse response) {
    if (answered_ || closed_) return;
    answered_ = true;
    response.keep_alive(keep_alive_ && response.keep_alive());
    Write(std::move(response));
  }

  void ExchangeStartStream(HttpResponse header) {
    if (answered_ || closed_) return;
    answered_ = streaming_ = true;
    chunked_ = http_version_ >= 11;
    header.body().clear();
    if (chunked_) {
      header.keep_alive(keep_alive_ && header.keep_alive());
      header.chunked(true);
    } else {
      header.keep_alive(false);  // HTTP/1.0: the body ends when the connection does
      header.erase(http::field::content_length);
    }
    stream_keep_alive_ = header.keep_alive();
    std::string head;
    AppendHead(header, &head);
    QueueChunk(std::move(head), nullptr, false);
  }

  void ExchangeWrite(std::string data, HttpResponder::WriteDone done) {
    // `done` never runs inside Write: the caller may hold locks its completion takes.
    const bool open = streaming_ && !end_queued_ && !closed_;
    if (!open || data.empty()) {  // nothing to write (an empty chunk would end the body)
      if (done) asio::post(strand_, [done = std::move(done), open] { done(open); });
      return;
    }
    QueueChunk(Chunk(std::move(data)), std::move(done), false);
  }

  void ExchangeEndStream(std::string data) {
    if (!streaming_ || end_queued_ || closed_) return;
    end_queued_ = true;
    std::string last = data.empty() ? std::string() : Chunk(std::move(data));
    if (chunked_) last.append("0\r\n\r\n");
    QueueChunk(std::move(last), nullptr, true);
  }

  void ExchangeOnClientGone(std::function<void()> callback) {
    if (complete_) return;
    if (closed_) {
      callback();
      return;
    }
    on_client_gone_ = std::move(callback);
  }

  std::string Chunk(std::string data) const {
    if (!chunked_) return data;
    char size[24];
    int length = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string framed;
    framed.reserve(static_cast<size_t>(length) + data.size() + 2);
    framed.append(size, static_cast<size_t>(length));
    framed.append(data);
    framed.append("\r\n");
    return framed;
  }

  // Streamed pieces go out one write at a time, in order.
  void QueueChunk(std::string bytes, HttpResponder::WriteDone done, bool last) {
    out_.push_back(OutChunk{std::move(bytes), std::move(done), last});
    if (!writing_) WriteNextChunk();
  }

  void WriteNextChunk() {
    writing_ = true;
    SetDeadline();
    asio::async_write(stream_, asio::buffer(out_.front().bytes),
                      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                        self->OnChunkWritten(error);
                      });
  }

  void OnChunkWritten(const boost::system::error_code& error) {
    writing_ = false;
    OutChunk written = std::move(out_.front());
    out_.pop_front();
    if (closed_) {  // Close() failed the rest of the queue
      if (written.done) written.done(false);
      return;
    }
    if (error) {
      out_.push_front(std::move(written));  // failed with the others below
      ClientGone();
      return;
    }
    if (written.last) {
      OnResponseWritten(stream_keep_alive_);
      return;
    }
    if (written.done) written.done(true);  // may queue the next chunk
    if (closed_ || writing_) return;
    if (!out_.empty()) {
      WriteNextChunk();
    } else {
      ClearDeadline();  // a stream may stay quiet as long as its handler wants
    }
  }

  // The chunk being written stays until its write completes (the socket may still read its
  // bytes); it fails then. The others fail now.
  void FailQueuedChunks() {
    std::deque<OutChunk> failed;
    while (out_.size() > (writing_ ? 1u : 0u)) {
      failed.push_back(std::move(out_.back()));
      out_.pop_back();
    }
    for (auto it = failed.rbegin(); it != failed.rend(); ++it) {
      if (it->done) it->done(false);
    }
  }

  std::shared_ptr<ServerState> state_;
  beast::tcp_stream stream_;
  Listener::Strand strand_;
  const int port_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // The complete response being written (Write).
  std::string write_head_;
  std::string write_body_;
  bool write_keep_alive_ = false;
  // See SetDeadline: when the read or write in progress must be done (max(): none).
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  asio::steady_timer watchdog_;
  bool watchdog_armed_ = false;

  // The request handed to the HttpHandler, and how far its answer got.
  static constexpr size_t kMaxProbeBytes = 64 * 1024;
  struct OutChunk {
    std::string bytes;
    HttpResponder::WriteDone done;
    bool last = false;
  };
  uint64_t exchange_id_ = 0;
  int http_version_ = 11;
  bool keep_alive_ = false;
  bool answered_ = false;       // Respond or StartStream was called
  bool streaming_ = false;      // ... StartStream
  bool chunked_ = false;
  bool stream_keep_alive_ = false;
  bool end_queued_ = false;
  bool complete_ = false;       // the whole response is written
  bool writing_ = false;
  bool probing_ = false;
  bool resume_after_probe_ = false;
  bool closed_ = false;
  std::deque<OutChunk> out_;
  std::function<void()> on_client_gone_;
  std::string peer_address_;  // see Exchange::peer_address

  friend class Exchange;
};

// The HttpResponder of one request: forwards to the session on its strand, and does nothing
// once the session has moved on to another request.
class Exchange final : public HttpResponder {
 public:
  Exchange(std::shared_ptr<HttpSession> session, uint64_t id)
      : session_(std::move(session)), id_(id) {}

  const Strand& strand() const override { return session_->strand_; }

  std::string peer_address() const override {
    // Looked up once per connection, not per call.
    std::string& address = session_->peer_address_;
    if (!address.empty()) return address;
    boost::system::error_code error;
    auto endpoint = session_->stream_.socket().remote_endpoint(error);
    if (error) return "unknown";
    address = endpoint.address().is_v6()
                  ? absl::StrCat("ipv6:[", endpoint.address().to_string(), "]:", endpoint.port())
                  : absl::StrCat("ipv4:", endpoint.address().to_string(), ":", endpoint.port());
    return address;
  }

  void Respond(HttpResponse response) override {
    Run([response = std::move(response)](HttpSession& s) mutable {
      s.ExchangeRespond(std::move(response));
    });
  }
  void StartStream(HttpResponse header) override {
    Run([header = std::move(header)](HttpSession& s) mutable {
      s.ExchangeStartStream(std::move(header));
    });
  }
  void Write(std::string data, WriteDone done) override {
    auto session = session_;
    asio::dispatch(session->strand_, [session, id = id_, data = std::move(data),
                                      done = std::move(done)]() mutable {
      if (session->exchange_id_ != id) {
        if (done) asio::post(session->strand_, [done = std::move(done)] { done(false); });
        return;
      }
      session->ExchangeWrite(std::move(data), std::move(done));
    });
  }
  void EndStream(std::string data) override {
    Run([data = std::move(data)](HttpSession& s) mutable { s.ExchangeEndStream(std::move(data)); });
  }
  void OnClientGone(std::function<void()> callback) override {
    Run([callback = std::move(callback)](HttpSession& s) mutable {
      s.ExchangeOnClientGone(std::move(callback));
    });
  }

 private:
  template <typename Fn>
  void Run(Fn fn) {
    auto session = session_;
    asio::dispatch(session->strand_, [session, id = id_, fn = std::move(fn)]() mutable {
      if (session->exchange_id_ == id) fn(*session);
    });
  }

  const std::shared_ptr<HttpSession> session_;
  const uint64_t id_;
};

std::shared_ptr<HttpResponder> NewExchange(std::shared_ptr<HttpSession> session, uint64_t id) {
  return std::make_shared<Exchange>(std::move(session), id);
}

}  // namespace

void StartHttpSession(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
                      Listener::Strand strand, int port) {
  std::make_shared<HttpSession>(std::move(state), std::move(socket), std::move(strand), port)
      ->Start();
}

}  // namespace pipebridge::jsonrpc
