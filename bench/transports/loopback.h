// Blocking loopback sockets for the load tool, and the floor it measures everything
// against: a C ping-pong of fixed-size messages (a thread per connection, read then echo).
#pragma once

#include <cstddef>
#include <thread>

namespace pipebridge::bench {

// A connected TCP socket to 127.0.0.1:port with TCP_NODELAY; exits the process on failure.
int ConnectLoopback(int port);
bool WriteAll(int fd, const char* data, size_t size);
bool ReadExactly(int fd, char* data, size_t size);

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
