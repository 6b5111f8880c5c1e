// Case-insensitive comparison of a template's static text (storage root and the text
// between keys) with a path, as Toolkit does: tk-core lower-cases the static tokens and the
// path to find where each token sits, then cuts the key values out of the path as given.
// So `P:/Projects/Demo/Shots/sh010` fits a template under root `p:/projects/demo` with
// `shots/{Shot}`, and Shot keeps the path's own "sh010". Folding is ASCII only (bytes of
// UTF-8 sequences compare exactly): paths of the studios we serve are ASCII by convention.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"

namespace pipebridge::core::templates {

inline char FoldCase(char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); }

// `text` in folded (lower) case: the form static text is stored in for matching.
inline std::string Folded(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = FoldCase(c);
  return out;
}

// Whether `text` holds `folded` (already folded) at `pos`, ignoring case.
inline bool FoldedAt(std::string_view text, size_t pos, std::string_view folded) {
  if (pos > text.size() || text.size() - pos < folded.size()) return false;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (FoldCase(text[pos + i]) != folded[i]) return false;
  }
  return true;
}

// The first position >= `from` where `text` holds `folded` ignoring case, or npos.
inline size_t FindFolded(std::string_view text, std::string_view folded, size_t from) {
  if (folded.empty()) return from <= text.size() ? from : std::string_view::npos;
  if (text.size() < folded.size()) return std::string_view::npos;
  const char first = folded[0];
  // Most separators start with a character that has no case ('/', '_', '.'): memchr finds it.
  const bool caseless = !absl::ascii_isalpha(static_cast<unsigned char>(first));
  for (size_t i = from; i + folded.size() <= text.size(); ++i) {
    if (caseless) {
      i = text.find(first, i);
      if (i == std::string_view::npos || i + folded.size() > text.size()) break;
    } else if (FoldCase(text[i]) != first) {
      continue;
    }
    if (FoldedAt(text, i, folded)) return i;
  }
  return std::string_view::npos;
}

}  // namespace pipebridge::core::templates
