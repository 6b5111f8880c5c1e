// The plug for plain HTTP requests on the WebSocket port (Connect, gRPC-Web, later): the HTTP
// session reads a request, checks Host, upgrades WebSocket requests to /rpc itself, and gives
// every other request to the HttpHandler set in JsonRpcServerOptions (404 without one).
#pragma once

#include <functional>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace pipebridge::jsonrpc {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called on the connection's strand, once per request, after the Host check; the body is
  // complete and at most max_message_bytes. Call `respond` exactly once, from any thread; the
  // session writes the response, then reads the next request if both sides keep the
  // connection alive. (Streaming responses will need a writer interface next to this.)
  virtual void Handle(HttpRequest request, std::function<void(HttpResponse)> respond) = 0;
};

}  // namespace pipebridge::jsonrpc
