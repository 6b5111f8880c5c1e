#include "adapters/connect/cors.h"

namespace pipebridge::connect {

namespace http = boost::beast::http;

void AddCorsHeaders(std::string_view origin, jsonrpc::HttpResponse* response) {
  if (origin.empty()) return;
  response->set(http::field::access_control_allow_origin,
                boost::beast::string_view(origin.data(), origin.size()));
  response->set(http::field::vary, "Origin");
  response->set(http::field::access_control_expose_headers, kCorsExposedHeaders);
}

jsonrpc::HttpResponse PreflightResponse(std::string_view origin, int version) {
  jsonrpc::HttpResponse response(http::status::no_content, version);
  response.set(http::field::access_control_allow_origin,
               boost::beast::string_view(origin.data(), origin.size()));
  response.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
  response.set(http::field::access_control_allow_headers, kCorsAllowedHeaders);
  response.set(http::field::access_control_max_age, "7200");
  response.set(http::field::vary,
               "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  return response;
}

}  // namespace pipebridge::connect
