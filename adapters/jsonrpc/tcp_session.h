// JSON-RPC over plain TCP: one JSON message per line ('\n'-terminated, a trailing '\r' is
// ignored, blank lines are skipped). Answers are written one line each, gathered into one
// write when several are queued.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "adapters/jsonrpc/jsonrpc_connection.h"

namespace pipebridge::jsonrpc {

class TcpSession final : public JsonRpcConnection {
 public:
  // On `strand`, which is the socket's executor.
  static void Start(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
                    Strand strand);

  TcpSession(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
             Strand strand, rpc::Peer peer);

 private:
  void Read();
  void OnRead(const boost::system::error_code& error, size_t bytes);
  // Handles every complete line in the buffer; false once the connection closed.
  bool ProcessLines();

  void StartWrite() override;
  void ResumeReading() override;
  void CloseTransport(std::string_view reason) override;

  boost::asio::ip::tcp::socket socket_;
  // [begin_, end_) is unread data; kPadding bytes always follow the usable area.
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  size_t scanned_ = 0;      // [begin_, scanned_) has no '\n'
  bool discarding_ = false;  // skipping the rest of an oversized line
  bool reading_ = false;
  std::vector<boost::asio::const_buffer> write_buffers_;
};

}  // namespace pipebridge::jsonrpc
