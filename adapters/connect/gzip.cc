#include "adapters/connect/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

#include "absl/strings/str_cat.h"

namespace pipebridge::connect {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 15: the largest window; +16: gzip framing
constexpr size_t kChunkBytes = 64 * 1024;

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// zlib counts in uInt: feed it at most this much at a time.
uInt Clamp(size_t n) { return static_cast<uInt>(std::min<size_t>(n, UINT_MAX)); }

}  // namespace

std::string Gzip(std::string_view data) {
  z_stream stream{};
  // Level 6 (zlib's default) balances CPU and size; messages are compressed once.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};  // only on out-of-memory
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = Clamp(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = Clamp(out.size());
  // deflateBound guarantees one Z_FINISH call suffices for input that fits in uInt.
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

absl::StatusOr<std::string> Gunzip(std::string_view compressed, size_t max_bytes,
                                   std::string_view what) {
  auto corrupt = [what](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(Absl(what), " is not valid gzip: ", Absl(why)));
  };
  if (compressed.size() > UINT_MAX) return corrupt("larger than 4 GiB");
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return absl::ResourceExhaustedError("out of memory for gzip decompression");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  absl::Status status;
  bool member_done = false;
  while (true) {
    if (stream.avail_in == 0 && member_done) break;
    if (out.size() > max_bytes) {
      status = absl::ResourceExhaustedError(
          absl::StrCat(Absl(what), " inflates to more than ", max_bytes,
                       " bytes, the message limit (max_message_bytes)"));
      break;
    }
    // Never inflate more than one byte past the limit: that byte proves the excess.
    const size_t room = std::min(kChunkBytes, max_bytes + 1 - out.size());
    const size_t before = out.size();
    out.resize(before + room);
    stream.next_out = reinterpret_cast<Bytef*>(&out[before]);
    stream.avail_out = static_cast<uInt>(room);
    const int result = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + (room - stream.avail_out));
    if (result == Z_STREAM_END) {
      member_done = true;
      // Another gzip member may follow (RFC 1952 allows concatenation).
      if (stream.avail_in > 0) {
        if (inflateReset(&stream) != Z_OK) {
          status = corrupt("cannot restart after a member");
          break;
        }
        member_done = false;
      }
      continue;
    }
    member_done = false;
    if (result == Z_BUF_ERROR && stream.avail_in == 0) {
      status = corrupt("it ends in the middle of the compressed data");
      break;
    }
    if (result != Z_OK && result != Z_BUF_ERROR) {
      status = corrupt(stream.msg != nullptr ? stream.msg : "inflate failed");
      break;
    }
  }
  inflateEnd(&stream);
  if (!status.ok()) return status;
  return out;
}

}  // namespace pipebridge::connect
