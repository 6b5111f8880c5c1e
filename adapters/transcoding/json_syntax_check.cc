#include "adapters/transcoding/json_syntax_check.h"

#include <deque>
#include <string>

#include "adapters/transcoding/json_path.h"
#include "adapters/transcoding/str_cat.h"

namespace pipebridge::transcoding {
namespace {

class SyntaxChecker {
 public:
  SyntaxChecker(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  std::optional<absl::Status> Run() {
    SkipSpace();
    if (pos_ >= s_.size()) return path_.Error("empty input: expected a JSON object");
    if (s_[pos_] != '{') {
      if (!Value(1)) return error_;
      return path_.Error(Cat("expected a JSON object at the top level, got ",
                                      KindAt(0)));
    }
    if (!Value(1)) return error_;
    SkipSpace();
    if (pos_ != s_.size()) {
      return path_.Error(Cat("unexpected characters after the JSON object (offset ",
                                      pos_, ")"));
    }
    return std::nullopt;
  }

 private:
  bool Fail(std::string_view message) {
    error_ = path_.Error(Cat(message, " (offset ", pos_, ")"));
    return false;
  }

  std::string_view KindAt(size_t at) {
    while (at < s_.size() && IsSpace(s_[at])) ++at;
    switch (s_[at]) {
      case '[': return "array";
      case '"': return "string";
      case 't': case 'f': return "boolean";
      case 'n': return "null";
      default: return "number";
    }
  }

  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }

  bool AtEnd() { return pos_ >= s_.size() ? Fail("unexpected end of input") , true : false; }

  bool Value(int depth) {
    SkipSpace();
    if (AtEnd()) return false;
    char c = s_[pos_];
    if (c == '{' || c == '[') {
      if (depth > max_depth_) {
        error_ = path_.Error(DepthErrorMessage(max_depth_));
        return false;
      }
      return c == '{' ? Object(depth) : Array(depth);
    }
    if (c == '"') {
      std::string ignored;
      return String(&ignored);
    }
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    return Fail(Cat("unexpected character '", std::string_view(&s_[pos_], 1), "'"));
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool Number() {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!Digits()) {
      pos_ = start;
      return Fail("invalid number");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!Digits()) return Fail("invalid number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!Digits()) return Fail("invalid number");
    }
    if (pos_ < s_.size() && ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.')) {
      pos_ = start;
      return Fail("invalid number");
    }
    return true;
  }

  bool Hex4(uint32_t* unit) {
    if (pos_ + 4 > s_.size()) return Fail("unexpected end of input");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_ + i];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return Fail("invalid \\u escape in string");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    *unit = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  // Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF); returns the length.
  size_t Utf8Length(size_t at) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s_.data()) + at;
    size_t left = s_.size() - at;
    unsigned char c = p[0];
    auto cont = [&](size_t i) { return i < left && (p[i] & 0xc0) == 0x80; };
    if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xe0 && p[1] < 0xa0) return 0;
      if (c == 0xed && p[1] >= 0xa0) return 0;
      return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xf0 && p[1] < 0x90) return 0;
      if (c == 0xf4 && p[1] >= 0x90) return 0;
      return 4;
    }
    return 0;
  }

  bool String(std::string* out) {
    ++pos_;  // opening quote
    while (true) {
      if (AtEnd()) return false;
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("unescaped control character in string");
      if (c == '\\') {
        ++pos_;
        if (AtEnd()) return false;
        char e = s_[pos_++];
        switch (e) {
          case '"': case '\\': case '/': out->push_back(e); break;
          case 'b': out->push_back('\b'); break;
          case 'f': out->push_back('\f'); break;
          case 'n': out->push_back('\n'); break;
          case 'r': out->push_back('\r'); break;
          case 't': out->push_back('\t'); break;
          case 'u': {
            uint32_t unit = 0;
            if (!Hex4(&unit)) return false;
            if (unit >= 0xdc00 && unit <= 0xdfff) {
              return Fail("unpaired surrogate \\u escape in string");
            }
            if (unit >= 0xd800 && unit <= 0xdbff) {
              uint32_t low = 0;
              if (s_.substr(pos_, 2) != "\\u") {
                return Fail("unpaired surrogate \\u escape in string");
              }
              pos_ += 2;
              if (!Hex4(&low)) return false;
              if (low < 0xdc00 || low > 0xdfff) {
                return Fail("unpaired surrogate \\u escape in string");
              }
              unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            }
            AppendUtf8(unit, out);
            break;
          }
          default:
            --pos_;
            return Fail("invalid escape sequence in string");
        }
        continue;
      }
      if (c < 0x80) {
        out->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      size_t n = Utf8Length(pos_);
      if (n == 0) return Fail("invalid UTF-8 in string");
      out->append(s_.data() + pos_, n);
      pos_ += n;
    }
  }

  bool Object(int depth) {
    ++pos_;
    SkipSpace();
    if (AtEnd()) return false;
    if (s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (AtEnd()) return false;
      if (s_[pos_] != '"') return Fail("expected a quoted field name");
      keys_.emplace_back();
      if (!String(&keys_.back())) return false;
      SkipSpace();
      if (AtEnd()) return false;
      if (s_[pos_] != ':') return Fail("expected ':' after field name");
      ++pos_;
      path_.PushKey(keys_.back());
      if (!Value(depth + 1)) return false;
      path_.Pop();
      keys_.pop_back();
      SkipSpace();
      if (AtEnd()) return false;
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or '}' after a field");
    }
  }

  bool Array(int depth) {
    ++pos_;
    SkipSpace();
    if (AtEnd()) return false;
    if (s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (int64_t index = 0;; ++index) {
      path_.PushIndex(index);
      if (!Value(depth + 1)) return false;
      path_.Pop();
      SkipSpace();
      if (AtEnd()) return false;
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or ']' after an element");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  int max_depth_;
  JsonPath path_;
  std::deque<std::string> keys_;  // storage for the keys path_ views
  absl::Status error_;
};

}  // namespace

std::string DepthErrorMessage(int max_depth) {
  return Cat("JSON nested deeper than ", max_depth, " levels");
}

std::optional<absl::Status> FindJsonSyntaxError(std::string_view json, int max_depth) {
  return SyntaxChecker(json, max_depth).Run();
}

}  // namespace pipebridge::transcoding
