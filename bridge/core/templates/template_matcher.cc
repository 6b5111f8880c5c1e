#include "bridge/core/templates/template_matcher.h"
#include "bridge/core/templates/absl_string_view.h"
#include "bridge/core/templates/case_folding.h"

namespace pipebridge::core::templates {
namespace {

// A pathological definition ({a}{b}{c}... over a long name) could explode the search;
// past this many steps we give up and say so rather than stall a server thread.
constexpr size_t kMaxSteps = 200000;

class Matcher {
 public:
  Matcher(const CompiledVariant& v, std::string_view text, bool path_mode, MatchFailure* failure)
      : v_(v), text_(text), path_mode_(path_mode), failure_(failure) {}

  MatchOutcome Run(SlotValues* values, SlotValues* other) {
    Step(0, 0);
    if (too_complex_) return MatchOutcome::kTooComplex;
    if (solutions_ == 0) return MatchOutcome::kNoMatch;
    *values = first_;
    if (solutions_ == 1) return MatchOutcome::kMatch;
    if (other) *other = current_at_second_;
    return MatchOutcome::kAmbiguous;
  }

 private:
  void Fail(MatchFailure::Kind kind, size_t pos, size_t token, std::string_view value = {}, size_t offset = 0) {
    if (failure_ == nullptr) return;
    if (failure_->kind == MatchFailure::Kind::kNone || pos > failure_->position) {
      *failure_ = MatchFailure{kind, pos, token, value, offset};
    }
  }

  // Static text `expected` does not start at `pos`: report where it first differs.
  void FailStatic(size_t pos, size_t token) {
    if (failure_ == nullptr) return;
    const std::string& expected = v_.tokens[token].folded;
    size_t k = 0;
    size_t after_slash = 0;
    while (k < expected.size() && pos + k < text_.size() && FoldCase(text_[pos + k]) == expected[k]) {
      if (expected[k] == '/') after_slash = k + 1;
      ++k;
    }
    // Report from the start of the folder that differs, not mid-word.
    k = after_slash;
    Fail(MatchFailure::Kind::kStaticMismatch, pos + k, token, {}, k);
  }

  // Returns true to stop the whole search.
  bool Step(size_t ti, size_t pos) {
    if (++steps_ > kMaxSteps) {
      too_complex_ = true;
      return true;
    }
    const auto& tokens = v_.tokens;
    if (ti == tokens.size()) {
      if (pos != text_.size()) {
        Fail(MatchFailure::Kind::kTrailing, pos, ti);
        return false;
      }
      return Solution();
    }
    const VariantToken& tok = tokens[ti];
    if (!tok.is_key) {
      if (FoldedAt(text_, pos, tok.folded)) return Step(ti + 1, pos + tok.folded.size());
      FailStatic(pos, ti);
      return false;
    }
    size_t limit = text_.size();
    if (path_mode_) {
      size_t slash = text_.find('/', pos);
      if (slash != std::string_view::npos) limit = slash;
    }
    if (ti + 1 == tokens.size()) {
      if (limit != text_.size()) {
        // The key would have to take a '/': the path has more folders than the template.
        if (!TryValue(ti, pos, limit, /*stop_only=*/true)) Fail(MatchFailure::Kind::kTrailing, limit, ti + 1);
        return false;
      }
      return TryValue(ti, pos, limit, false);
    }
    const VariantToken& next = tokens[ti + 1];
    if (!next.is_key) {
      bool any = false;
      for (size_t e = FindFolded(text_, next.folded, pos + 1); e != std::string_view::npos && e <= limit;
           e = FindFolded(text_, next.folded, e + 1)) {
        any = true;
        if (TryValue(ti, pos, e, false)) return true;
      }
      if (!any) {
        // Report the key's own verdict on the whole segment when it rejects it: that
        // is usually the real reason ("v01" is not an int) rather than the separator.
        if (pos < limit && failure_ != nullptr) {
          std::string_view value = text_.substr(pos, limit - pos);
          if (!tok.key->Accepts(value)) {
            Fail(MatchFailure::Kind::kKeyRejected, pos, ti, value);
            return false;
          }
          if (next.folded[0] == '/') {
            // The key took its whole folder; the static text after it is what differs.
            FailStatic(limit, ti + 1);
            return false;
          }
        }
        Fail(MatchFailure::Kind::kNoSeparator, pos, ti);
      }
      return false;
    }
    for (size_t e = pos + 1; e <= limit; ++e) {
      if (TryValue(ti, pos, e, false)) return true;
    }
    if (pos >= limit) Fail(MatchFailure::Kind::kKeyRejected, pos, ti, {});
    return false;
  }

  // With stop_only, only checks the value (for failure reporting) and never recurses.
  bool TryValue(size_t ti, size_t pos, size_t end, bool stop_only) {
    const VariantToken& tok = v_.tokens[ti];
    std::string_view value = text_.substr(pos, end - pos);
    const size_t slot = tok.slot;
    const bool repeated = set_[slot];
    if (repeated) {
      if (current_[slot] != value) {
        Fail(MatchFailure::Kind::kConflict, pos, ti, value);
        return stop_only;
      }
    } else if (!tok.key->Accepts(value)) {
      Fail(MatchFailure::Kind::kKeyRejected, pos, ti, value);
      return stop_only;
    }
    if (stop_only) return false;
    if (repeated) return Step(ti + 1, end);
    set_[slot] = true;
    current_[slot] = value;
    const bool stop = Step(ti + 1, end);
    set_[slot] = false;
    return stop;
  }

  bool Solution() {
    if (solutions_ == 0) {
      first_ = current_;
      solutions_ = 1;
      return false;
    }
    for (size_t slot : v_.slots) {
      if (first_[slot] != current_[slot]) {
        current_at_second_ = current_;
        solutions_ = 2;
        return true;
      }
    }
    return false;
  }

  const CompiledVariant& v_;
  std::string_view text_;
  bool path_mode_;
  MatchFailure* failure_;
  size_t steps_ = 0;
  bool too_complex_ = false;
  int solutions_ = 0;
  SlotValues current_{};
  SlotValues first_{};
  SlotValues current_at_second_{};
  std::array<bool, kMaxFieldsPerTemplate> set_{};
};

}  // namespace

MatchOutcome MatchVariant(const CompiledVariant& variant, std::string_view text, bool path_mode,
                          SlotValues* values, SlotValues* other, MatchFailure* failure) {
  Matcher m(variant, text, path_mode, failure);
  return m.Run(values, other);
}

}  // namespace pipebridge::core::templates
