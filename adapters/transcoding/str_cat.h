// String concatenation over std::string_view (Debian's Abseil 20220623 has its own
// absl::string_view, which absl::StrCat does not accept std::string_view for).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace pipebridge::transcoding {

namespace str_cat_internal {
inline void Append(std::string* out, std::string_view s) { out->append(s.data(), s.size()); }
inline void Append(std::string* out, const char* s) { out->append(s); }
inline void Append(std::string* out, const std::string& s) { out->append(s); }
template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
void Append(std::string* out, T value) {
  out->append(std::to_string(value));
}
}  // namespace str_cat_internal

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (str_cat_internal::Append(&out, args), ...);
  return out;
}

}  // namespace pipebridge::transcoding
