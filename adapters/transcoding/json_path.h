// The JSON path of the element being read, for error messages: `filters[2][1]`, `page.limit`,
// `data["odd key"]`. Segments view keys owned by the caller; formatting happens only on error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace pipebridge::transcoding {

class JsonPath {
 public:
  void PushKey(std::string_view key) { segments_.push_back({key, -1}); }
  void PushIndex(int64_t index) { segments_.push_back({{}, index}); }
  void Pop() { segments_.pop_back(); }

  // "a.b[3]"; empty at the root.
  std::string ToString() const;

  // INVALID_ARGUMENT "<path>: <message>", or just the message at the root.
  absl::Status Error(std::string_view message) const;

 private:
  struct Segment {
    std::string_view key;
    int64_t index;  // >= 0 for an array element, else a key
  };
  std::vector<Segment> segments_;
};

}  // namespace pipebridge::transcoding
