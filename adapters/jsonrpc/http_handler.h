// The plug for plain HTTP requests on the WebSocket port (Connect, gRPC-Web): the HTTP session
// reads a request, checks Host, upgrades WebSocket requests to /rpc itself, and gives every
// other request to the HttpHandler set in JsonRpcServerOptions (404 without one), with an
// HttpResponder through which the handler answers: one complete response, or a streamed one
// written piece by piece with write completions (for backpressure).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace pipebridge::jsonrpc {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// How a handler answers one request. Every method may be called from any thread; callbacks run
// on the connection's strand. Exactly one of Respond and StartStream is called per request;
// a responder used after its response completed, or after the client went away, ignores the
// call (a Write's `done` then runs with false).
class HttpResponder {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  using WriteDone = std::function<void(bool ok)>;

  virtual ~HttpResponder() = default;

  // The connection's strand.
  virtual const Strand& strand() const = 0;
  // "ipv4:127.0.0.1:53412", as the other transports name peers. On the strand only.
  virtual std::string peer_address() const = 0;

  // A complete response; Content-Length is set from its body. The session then reads the next
  // request if both sides keep the connection alive.
  virtual void Respond(HttpResponse response) = 0;

  // A streamed response: the status and fields of `header` (its body is ignored) go out at once
  // with Transfer-Encoding: chunked (HTTP/1.1; an HTTP/1.0 client gets the body until close).
  virtual void StartStream(HttpResponse header) = 0;
  // Queues `data` as one chunk after the ones queued before; `done` runs once it was written
  // to the socket (true) or can never be (false: the connection failed or closed), never
  // before Write returns.
  virtual void Write(std::string data, WriteDone done) = 0;
  // Queues `data` (may be empty) and the end of the body; the response is then complete.
  virtual void EndStream(std::string data) = 0;

  // `callback` runs once, on the strand, if the client goes away (closes or resets the
  // connection) before the response is complete; never afterwards. The session watches for
  // that only while the handler has not answered, so a handler that answers at once costs no
  // extra read.
  virtual void OnClientGone(std::function<void()> callback) = 0;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called on the connection's strand, once per request, after the Host check; the body is
  // complete and at most max_message_bytes (413 is answered by the session otherwise).
  virtual void Handle(HttpRequest request, std::shared_ptr<HttpResponder> responder) = 0;
};

}  // namespace pipebridge::jsonrpc
