#include "bench/transports/jsonrpc_wire.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace pipebridge::bench {

void InitializeJsonRpcTcp(BufferedSocket& socket, const std::string& token) {
  std::string init = absl::StrCat(
      R"({"jsonrpc":"2.0","id":0,"method":"$/initialize","params":{"token":")", token,
      R"(","client":{"name":"transport_load","version":"1"},"protocolVersion":1}})", "\n");
  std::string_view line;
  if (!WriteAll(socket.fd(), init.data(), init.size()) || !socket.ReadUntil("\n", &line) ||
      line.find("\"result\"") == std::string_view::npos) {
    std::fprintf(stderr, "JSON-RPC $/initialize failed: %.*s\n", static_cast<int>(line.size()),
                 line.data());
    std::exit(1);
  }
}

void UpgradeToWebSocket(BufferedSocket& socket, int port, const std::string& token) {
  std::string upgrade = absl::StrCat(
      "GET /rpc?token=", token, " HTTP/1.1\r\nHost: 127.0.0.1:", port,
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  std::string_view head;
  if (!WriteAll(socket.fd(), upgrade.data(), upgrade.size()) ||
      !socket.ReadUntil("\r\n\r\n", &head) || head.substr(0, 12) != "HTTP/1.1 101") {
    std::fprintf(stderr, "websocket upgrade refused: %.*s\n", static_cast<int>(head.size()),
                 head.data());
    std::exit(1);
  }
}

bool WriteTextFrame(int fd, std::string_view text) {
  std::string frame;
  frame.reserve(text.size() + 14);
  frame.push_back(static_cast<char>(0x81));  // FIN, text
  if (text.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | text.size()));
  } else if (text.size() <= 0xffff) {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>((text.size() >> 8) & 0xff));
    frame.push_back(static_cast<char>(text.size() & 0xff));
  } else {
    return false;  // the load tool never sends that much
  }
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (size_t i = 0; i < text.size(); ++i) {
    frame.push_back(static_cast<char>(text[i] ^ mask[i % 4]));
  }
  return WriteAll(fd, frame.data(), frame.size());
}

bool ReadTextFrame(BufferedSocket& socket, std::string_view* text) {
  while (true) {
    std::string_view header;
    if (!socket.ReadBytes(2, &header)) return false;
    const auto first = static_cast<unsigned char>(header[0]);
    size_t length = static_cast<unsigned char>(header[1]) & 0x7f;
    if (length == 126) {
      std::string_view extended;
      if (!socket.ReadBytes(2, &extended)) return false;
      length = (size_t{static_cast<unsigned char>(extended[0])} << 8) |
               static_cast<unsigned char>(extended[1]);
    } else if (length == 127) {
      return false;
    }
    if (!socket.ReadBytes(length, text)) return false;
    const unsigned opcode = first & 0x0f;
    if ((first & 0x80) == 0 || opcode == 0x0) return false;  // fragmented
    if (opcode == 0x1) return true;
    if (opcode == 0x8) return false;  // close
    // ping/pong/binary: not JSON-RPC; the server's keep-alive pings need no answer here.
  }
}

}  // namespace pipebridge::bench
