#include "adapters/transcoding/json_path.h"
#include "adapters/transcoding/str_cat.h"

#include "adapters/transcoding/json_writer.h"

namespace pipebridge::transcoding {
namespace {

bool IsIdentifier(std::string_view key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

}  // namespace

std::string JsonPath::ToString() const {
  std::string out;
  for (const Segment& s : segments_) {
    if (s.index >= 0) {
      out += Cat("[", s.index, "]");
    } else if (IsIdentifier(s.key)) {
      if (!out.empty()) out.push_back('.');
      out.append(s.key);
    } else {
      out.push_back('[');
      AppendJsonString(s.key, &out);
      out.push_back(']');
    }
  }
  return out;
}

absl::Status JsonPath::Error(std::string_view message) const {
  std::string path = ToString();
  if (path.empty()) return absl::InvalidArgumentError(std::string(message));
  return absl::InvalidArgumentError(Cat(path, ": ", message));
}

}  // namespace pipebridge::transcoding
