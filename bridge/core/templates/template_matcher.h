// The compiled form of one definition variant and the backtracking matcher that reads
// a path against it. Built at load time; matching allocates nothing and uses no regex.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/core/templates/template_key.h"

namespace pipebridge::core::templates {

// Most distinct fields one template may use (a matcher keeps them on the stack).
inline constexpr size_t kMaxFieldsPerTemplate = 32;

struct VariantToken {
  bool is_key = false;
  std::string text;                // static text (adjacent static text merged)
  std::string folded;              // `text` lower-cased: static text matches ignoring case
  const TemplateKey* key = nullptr;
  size_t slot = 0;                 // field slot of the template, for keys
};

struct CompiledVariant {
  std::string definition;          // this variant's text, e.g. "shots/{Shot}/{name}.ma"
  std::vector<VariantToken> tokens;
  std::vector<size_t> slots;       // distinct field slots used, in order of appearance
  size_t static_chars = 0;         // characters of static text
  int slash_count = 0;             // '/' in static text: a path has exactly this many
};

// Where and why the furthest attempt failed; filled only when asked (Explain).
struct MatchFailure {
  enum class Kind {
    kNone,
    kStaticMismatch,  // static text expected at `position`
    kKeyRejected,     // the key's rules reject `value`
    kNoSeparator,     // the static text after the key is not in this segment
    kTrailing,        // input continues after the template ended
    kConflict,        // a repeated key has another value than before
  };
  Kind kind = Kind::kNone;
  size_t position = 0;  // offset in the matched text
  size_t token = 0;     // index into CompiledVariant::tokens
  std::string_view value;
  size_t static_offset = 0;  // kStaticMismatch: characters of the static text that did match
};

enum class MatchOutcome { kNoMatch, kMatch, kAmbiguous, kTooComplex };

// Field values of one solution, by slot (views into the matched text).
using SlotValues = std::array<std::string_view, kMaxFieldsPerTemplate>;

// Matches `text` against `variant`. Static text matches ignoring ASCII case (as Toolkit
// does, case_folding.h); key values are views into `text`, so they keep its case, and a
// repeated key must repeat its value exactly. In path mode no key value may contain '/'. On
// kMatch `values` holds the solution; on kAmbiguous `values` and `other` hold two
// different readings. `failure` may be null (the fast path).
MatchOutcome MatchVariant(const CompiledVariant& variant, std::string_view text, bool path_mode,
                          SlotValues* values, SlotValues* other, MatchFailure* failure);

}  // namespace pipebridge::core::templates
