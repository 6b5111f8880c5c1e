#include "adapters/jsonrpc/tcp_session.h"

#include <cstring>

#include <boost/asio/write.hpp>

#include "absl/strings/str_cat.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::jsonrpc {
namespace {

namespace asio = boost::asio;

constexpr size_t kInitialBuffer = 64 * 1024;
// Messages gathered into one write.
constexpr size_t kMaxGather = 64;

rpc::Peer PeerOf(const asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  auto endpoint = socket.remote_endpoint(error);
  std::string address;
  if (!error) {
    address = endpoint.address().is_v6()
                  ? absl::StrCat("ipv6:[", endpoint.address().to_string(), "]:", endpoint.port())
                  : absl::StrCat("ipv4:", endpoint.address().to_string(), ":", endpoint.port());
  }
  return rpc::Peer{"jsonrpc-tcp", std::move(address)};
}

}  // namespace

void TcpSession::Start(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
                       Strand strand) {
  rpc::Peer peer = PeerOf(socket);
  auto session = std::make_shared<TcpSession>(std::move(state), std::move(socket),
                                              std::move(strand), std::move(peer));
  session->Open();
  session->Read();
}

TcpSession::TcpSession(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket,
                       Strand strand, rpc::Peer peer)
    : JsonRpcConnection(std::move(state), std::move(strand), std::move(peer),
                        /*authenticated=*/false, /*newline_delimited=*/true),
      socket_(std::move(socket)),
      buffer_(kInitialBuffer + kPadding) {}

void TcpSession::Read() {
  if (closed() || reading_) return;
  const size_t max_line = options().max_message_bytes + 1;  // + '\n' (a '\r' is tolerated below)
  size_t usable = buffer_.size() - kPadding;
  if (end_ == usable) {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      scanned_ -= begin_;
      begin_ = 0;
    } else if (usable < max_line + 1) {
      size_t grown = std::min(usable * 2, max_line + 1);
      buffer_.resize(grown + kPadding);
      usable = grown;
    } else {
      // A line longer than the limit: answer once, then skip up to its end.
      HandleOversizedMessage();
      discarding_ = true;
      begin_ = end_ = scanned_ = 0;
    }
  }
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(buffer_.data() + end_, buffer_.size() - kPadding - end_),
      [self = std::static_pointer_cast<TcpSession>(shared_from_this())](
          const boost::system::error_code& error, size_t bytes) { self->OnRead(error, bytes); });
}

void TcpSession::OnRead(const boost::system::error_code& error, size_t bytes) {
  reading_ = false;
  if (error) {
    if (!closed()) CloseTransport(error == asio::error::eof ? "closed by the client" : "read failed");
    return;
  }
  end_ += bytes;
  if (!ProcessLines()) return;
  NoteRead(end_ > begin_);
  if (begin_ == end_) {
    begin_ = end_ = scanned_ = 0;
    // Give back the memory of a large message.
    if (buffer_.size() > 4 * kInitialBuffer) {
      buffer_.resize(kInitialBuffer + kPadding);
      buffer_.shrink_to_fit();
    }
  }
  if (ShouldPauseReading()) return;
  Read();
}

bool TcpSession::ProcessLines() {
  while (!closed()) {
    const char* start = buffer_.data() + scanned_;
    const char* newline =
        static_cast<const char*>(std::memchr(start, '\n', end_ - scanned_));
    if (newline == nullptr) {
      scanned_ = end_;
      if (discarding_) begin_ = end_ = scanned_ = 0;
      return true;
    }
    size_t line_end = static_cast<size_t>(newline - buffer_.data());
    size_t line_begin = begin_;
    begin_ = scanned_ = line_end + 1;
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    size_t length = line_end - line_begin;
    if (length > 0 && buffer_[line_begin + length - 1] == '\r') --length;
    const char* line = buffer_.data() + line_begin;
    bool blank = true;
    for (size_t i = 0; i < length && blank; ++i) {
      blank = line[i] == ' ' || line[i] == '\t' || line[i] == '\r';
    }
    if (blank) continue;
    if (length > options().max_message_bytes) {
      HandleOversizedMessage();
      continue;
    }
    HandleMessage(line, length);
  }
  return false;
}

void TcpSession::ResumeReading() { Read(); }

void TcpSession::StartWrite() {
  write_buffers_.clear();
  const auto& output = queued_output();
  size_t count = std::min(output.size(), kMaxGather);
  for (size_t i = 0; i < count; ++i) {
    write_buffers_.push_back(asio::buffer(output[i].text));
  }
  asio::async_write(socket_, write_buffers_,
                    [self = std::static_pointer_cast<TcpSession>(shared_from_this()), count](
                        const boost::system::error_code& error, size_t) {
                      self->HandleWriteDone(count, !error);
                    });
}

void TcpSession::CloseTransport(std::string_view reason) {
  if (closed()) return;
  const auto& logger = state()->dispatcher.logger();
  if (logger.Enabled(rpc::LogLevel::kDebug)) {
    logger.Debug("jsonrpc: connection closed",
                 {{"peer", peer().address},
                  {"reason", absl::string_view(reason.data(), reason.size())}});
  }
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  HandleClosed();
}

}  // namespace pipebridge::jsonrpc
