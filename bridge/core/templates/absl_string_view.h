// Debian's Abseil has its own absl::string_view (not std::string_view), and absl's
// string functions take only that one. These helpers let the engine use
// std::string_view throughout and still call them without copies.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pipebridge::core::templates {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

namespace internal {
template <typename T>
decltype(auto) ToAlphaNumArg(const T& value) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return Sv(value);
  } else {
    return (value);
  }
}
}  // namespace internal

// absl::StrCat that also takes std::string_view.
template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(internal::ToAlphaNumArg(args)...);
}

}  // namespace pipebridge::core::templates
