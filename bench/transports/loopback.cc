#include "bench/transports/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace pipebridge::bench {

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadExactly(int fd, char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::recv(fd, data, size, 0);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

BufferedSocket::BufferedSocket(int port) : fd_(ConnectLoopback(port)) {}

BufferedSocket::~BufferedSocket() { ::close(fd_); }

void BufferedSocket::SetReadTimeout(int seconds) {
  timeval timeout{};
  timeout.tv_sec = seconds;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

bool BufferedSocket::ReadUntil(std::string_view delimiter, std::string_view* out) {
  size_t searched = begin_;
  while (true) {
    std::string_view unread(buffer_.data() + searched, end_ - searched);
    size_t at = unread.find(delimiter);
    if (at != std::string_view::npos) {
      at += searched;
      *out = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + delimiter.size();
      return true;
    }
    // The delimiter may straddle what arrives next.
    size_t kept = std::max(searched, end_ - std::min(end_ - begin_, delimiter.size() - 1)) - begin_;
    if (!Fill()) return false;
    searched = begin_ + kept;  // Fill may have moved the unread bytes to the front
  }
}

bool BufferedSocket::ReadBytes(size_t size, std::string_view* out) {
  while (end_ - begin_ < size) {
    if (!Fill()) return false;
  }
  *out = std::string_view(buffer_.data() + begin_, size);
  begin_ += size;
  return true;
}

void BufferedSocket::Shutdown() { ::shutdown(fd_, SHUT_RDWR); }

bool BufferedSocket::Fill() {
  // What was read is dropped (views into it are no longer used); then one large recv: a
  // stream of small messages costs one recv per chunk, not one per message.
  constexpr size_t kChunk = 64 * 1024;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < kChunk) buffer_.resize(end_ + kChunk);
  ssize_t n = ::recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
  if (n <= 0) return false;
  end_ += static_cast<size_t>(n);
  return true;
}

FloorServer::FloorServer(size_t message_size) : size_(message_size) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::listen(listen_fd_, 64);
  socklen_t length = sizeof(address);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] {
    while (true) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      std::thread([fd, size = size_] {
        std::vector<char> buffer(size);
        while (ReadExactly(fd, buffer.data(), size) && WriteAll(fd, buffer.data(), size)) {
        }
        ::close(fd);
      }).detach();
    }
  });
}

FloorServer::~FloorServer() {
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
}

}  // namespace pipebridge::bench
