// Blocking loopback sockets for the load tool, and the floor it measures everything
// against: a C ping-pong of fixed-size messages (a thread per connection, read then echo).
#pragma once

#include <cstddef>
#include <string_view>
#include <thread>
#include <vector>

namespace pipebridge::bench {

// A connected TCP socket to 127.0.0.1:port with TCP_NODELAY; exits the process on failure.
int ConnectLoopback(int port);
bool WriteAll(int fd, const char* data, size_t size);
bool ReadExactly(int fd, char* data, size_t size);

// A connected loopback socket read through a buffer (lines, HTTP heads and bodies, WebSocket
// frames). Views returned stay valid until the next read.
class BufferedSocket {
 public:
  explicit BufferedSocket(int port);
  ~BufferedSocket();
  BufferedSocket(const BufferedSocket&) = delete;
  BufferedSocket& operator=(const BufferedSocket&) = delete;
  int fd() const { return fd_; }

  // Every later read fails after `seconds` without data (a stalled server stops the tool).
  void SetReadTimeout(int seconds);
  // Up to and without `delimiter`, which is consumed.
  bool ReadUntil(std::string_view delimiter, std::string_view* out);
  bool ReadBytes(size_t size, std::string_view* out);
  // Any thread: makes a blocked read return false.
  void Shutdown();

 private:
  bool Fill();
  int fd_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // buffer_[begin_, end_) is unread
  size_t end_ = 0;
};

class FloorServer {
 public:
  explicit FloorServer(size_t message_size);
  ~FloorServer();
  FloorServer(const FloorServer&) = delete;
  FloorServer& operator=(const FloorServer&) = delete;
  int port() const { return port_; }

 private:
  size_t size_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
};

}  // namespace pipebridge::bench
