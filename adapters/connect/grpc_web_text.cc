#include "adapters/connect/grpc_web_text.h"

#include <array>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace pipebridge::connect {
namespace {

constexpr int kInvalid = -1;
constexpr int kPad = -2;

constexpr std::array<int8_t, 256> MakeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = kInvalid;
  for (int i = 0; i < 26; ++i) {
    table['A' + i] = static_cast<int8_t>(i);
    table['a' + i] = static_cast<int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<int8_t>(52 + i);
  table['+'] = 62;
  table['/'] = 63;
  table['='] = kPad;
  return table;
}
constexpr std::array<int8_t, 256> kTable = MakeTable();

std::string Shown(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte <= 0x7e) return std::string("'") + c + "'";
  return absl::StrCat("byte 0x", absl::Hex(byte, absl::kZeroPad2));
}

absl::Status Invalid(std::string_view why, size_t offset) {
  return absl::InvalidArgumentError(
      absl::StrCat("the application/grpc-web-text body is not base64: ",
                   absl::string_view(why.data(), why.size()), " at offset ", offset));
}

}  // namespace

absl::Status DecodeGrpcWebText(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size() / 4 * 3 + 3);
  int values[4];
  int count = 0;     // characters of the current group of four
  int padding = 0;   // '=' seen in the current group
  size_t group_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') continue;
    const int v = kTable[static_cast<unsigned char>(c)];
    if (v == kInvalid) return Invalid(absl::StrCat("invalid character ", Shown(c)), i);
    if (count == 0) group_start = i;
    if (v == kPad) {
      // "xx==" or "xxx=": padding only after two data characters, and only at a group's end.
      if (count < 2) return Invalid("padding '=' too early in a group of four", i);
      ++padding;
    } else if (padding > 0) {
      return Invalid("data after padding inside a group of four", i);
    } else {
      values[count] = v;
    }
    ++count;
    if (count < 4) continue;
    const int data = 4 - padding;
    const uint32_t bits = (uint32_t(values[0]) << 18) | (uint32_t(values[1]) << 12) |
                          (data > 2 ? uint32_t(values[2]) << 6 : 0) |
                          (data > 3 ? uint32_t(values[3]) : 0);
    out->push_back(static_cast<char>(bits >> 16));
    if (data > 2) out->push_back(static_cast<char>(bits >> 8));
    if (data > 3) out->push_back(static_cast<char>(bits));
    count = 0;
    padding = 0;  // a padded group ends its chunk; the next group starts the next chunk
  }
  if (count == 0) return absl::OkStatus();
  // An unpadded last chunk: two or three characters carry one or two bytes.
  if (count == 1 || padding > 0) {
    return Invalid("the last group is incomplete", group_start);
  }
  const uint32_t bits = (uint32_t(values[0]) << 18) | (uint32_t(values[1]) << 12) |
                        (count > 2 ? uint32_t(values[2]) << 6 : 0);
  out->push_back(static_cast<char>(bits >> 16));
  if (count > 2) out->push_back(static_cast<char>(bits >> 8));
  return absl::OkStatus();
}

}  // namespace pipebridge::connect
