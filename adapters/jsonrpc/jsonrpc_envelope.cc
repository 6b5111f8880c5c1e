// Over simdjson's On-Demand API: members are visited once, params are skipped as raw text.
#include "adapters/jsonrpc/jsonrpc_envelope.h"

#include "adapters/jsonrpc/json_raw.h"

#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "adapters/transcoding/json_syntax_check.h"

namespace pipebridge::jsonrpc {
namespace {

namespace od = simdjson::ondemand;

static_assert(kPadding >= simdjson::SIMDJSON_PADDING, "buffers must hold simdjson's padding");

// Parser capacity kept per thread between messages; larger inputs release it afterwards.
constexpr size_t kKeptCapacity = 1 << 20;

od::parser& ThreadParser() {
  thread_local od::parser parser;
  return parser;
}


enum Member : unsigned {
  kJsonrpc = 1,
  kId = 2,
  kMethod = 4,
  kParams = 8,
  kResult = 16,
  kError = 32,
  kUnknown = 0,
};

Member MemberOf(std::string_view key) {
  if (key == "jsonrpc") return kJsonrpc;
  if (key == "id") return kId;
  if (key == "method") return kMethod;
  if (key == "params") return kParams;
  if (key == "result") return kResult;
  if (key == "error") return kError;
  return kUnknown;
}


void AddProblem(Envelope* env, std::string problem) {
  if (env->problem.empty()) env->problem = std::move(problem);
}

// One request/notification/response object. A simdjson error means the text is not JSON;
// anything else wrong is recorded in env->problem (every member is still read, so a syntax
// error later in the text is not missed).
simdjson::error_code ParseObject(od::object object, Envelope* env) {
  unsigned seen = 0;
  bool version_ok = false;
  bool method_is_string = true;
  for (auto member : object) {
    od::field field;
    if (auto e = std::move(member).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value value = field.value();
    od::json_type type;
    if (auto e = value.type().get(type)) return e;
    Member m = MemberOf(key);
    if (m != kUnknown && (seen & m)) {
      AddProblem(env, absl::StrCat("member \"", absl::string_view(key.data(), key.size()),
                                   "\" appears twice"));
    }
    seen |= m;
    std::string_view raw;
    switch (m) {
      case kJsonrpc: {
        if (auto e = ConsumeRawJson(value, type, &raw)) return e;
        version_ok = raw == "\"2.0\"";
        break;
      }
      case kId: {
        if (auto e = ConsumeRawJson(value, type, &raw)) return e;
        if (type == od::json_type::string || type == od::json_type::number ||
            type == od::json_type::null) {
          env->id = raw;
        } else {
          AddProblem(env, "\"id\" must be a string, a number or null");
        }
        break;
      }
      case kMethod: {
        if (type == od::json_type::string) {
          if (auto e = value.get_string().get(env->method)) return e;
        } else {
          if (auto e = ConsumeRawJson(value, type, &raw)) return e;
          method_is_string = false;
        }
        break;
      }
      case kParams: {
        if (auto e = ConsumeRawJson(value, type, &raw)) return e;
        if (type == od::json_type::object) {
          env->params_kind = Envelope::ParamsKind::kObject;
          env->params = raw;
        } else if (type == od::json_type::array) {
          env->params_kind = Envelope::ParamsKind::kOther;
        } else {
          AddProblem(env, "\"params\" must be an object or an array");
        }
        break;
      }
      case kResult: {
        if (auto e = ConsumeRawJson(value, type, &raw)) return e;
        env->result = raw;
        break;
      }
      case kError: {
        if (auto e = ConsumeRawJson(value, type, &raw)) return e;
        env->error = raw;
        if (type != od::json_type::object) AddProblem(env, "\"error\" must be an object");
        break;
      }
      case kUnknown: {
        if (auto e = ConsumeRawJson(value, type, &raw)) return e;
        AddProblem(env, absl::StrCat("unknown member \"", absl::string_view(key.data(), key.size()),
                                     "\" (a request has jsonrpc, method, params and id)"));
        break;
      }
    }
  }
  if (!(seen & kJsonrpc) || !version_ok) AddProblem(env, "\"jsonrpc\" must be \"2.0\"");
  if (seen & kMethod) {
    if (!method_is_string) AddProblem(env, "\"method\" must be a string");
    if (seen & (kResult | kError)) AddProblem(env, "a request has no \"result\" or \"error\"");
    env->kind = (seen & kId) ? Envelope::Kind::kRequest : Envelope::Kind::kNotification;
  } else if (seen & (kResult | kError)) {
    if ((seen & kResult) && (seen & kError)) {
      AddProblem(env, "a response has \"result\" or \"error\", not both");
    }
    if (!(seen & kId)) AddProblem(env, "a response needs the \"id\" of its request");
    env->kind = Envelope::Kind::kResponse;
  } else {
    AddProblem(env, "\"method\" is missing");
  }
  if (!env->problem.empty()) env->kind = Envelope::Kind::kInvalid;
  return simdjson::SUCCESS;
}

simdjson::error_code ParseValue(od::value value, Envelope* env) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  if (type == od::json_type::object) {
    od::object object;
    if (auto e = value.get_object().get(object)) return e;
    return ParseObject(object, env);
  }
  std::string_view raw;
  if (auto e = ConsumeRawJson(value, type, &raw)) return e;
  env->problem = "a JSON-RPC message is an object (or a batch: an array of objects)";
  return simdjson::SUCCESS;
}

std::string ParseErrorMessage(const char* data, size_t size, simdjson::error_code error) {
  std::string_view text(data, size);
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && text[start] == '{') {
    if (auto found = transcoding::FindJsonSyntaxError(text, 1 << 20)) {
      absl::string_view message = found->message();
      return absl::StrCat("invalid JSON: ", message);
    }
  }
  if (error == simdjson::DEPTH_ERROR) return "invalid JSON: nesting is too deep";
  if (start == std::string_view::npos) return "invalid JSON: the message is empty";
  return absl::StrCat("invalid JSON: ", simdjson::error_message(error));
}

simdjson::error_code ParseDocument(od::parser& parser, const char* data, size_t size,
                                   ParsedMessage* out) {
  od::document doc;
  if (auto e = parser.iterate(data, size, size + kPadding).get(doc)) return e;
  od::json_type type;
  if (auto e = doc.type().get(type)) return e;
  if (type == od::json_type::array) {
    out->batch = true;
    od::array array;
    if (auto e = doc.get_array().get(array)) return e;
    for (auto element : array) {
      od::value value;
      if (auto e = std::move(element).get(value)) return e;
      out->items.emplace_back();
      if (auto e = ParseValue(value, &out->items.back())) return e;
    }
  } else if (type == od::json_type::object) {
    od::object object;
    if (auto e = doc.get_object().get(object)) return e;
    out->items.emplace_back();
    if (auto e = ParseObject(object, &out->items.back())) return e;
  } else {
    // A scalar document: read it (a broken one is a parse error), then refuse it.
    std::string_view raw;
    switch (type) {
      case od::json_type::string: {
        if (auto e = doc.get_string().get(raw)) return e;
        break;
      }
      case od::json_type::number: {
        if (auto e = doc.raw_json_token().get(raw)) return e;
        if (!IsJsonNumber(TrimRight(raw))) return simdjson::NUMBER_ERROR;
        break;
      }
      case od::json_type::boolean: {
        bool unused;
        if (auto e = doc.get_bool().get(unused)) return e;
        break;
      }
      default: {
        bool is_null = false;
        if (auto e = doc.is_null().get(is_null)) return e;
        if (!is_null) return simdjson::N_ATOM_ERROR;
        break;
      }
    }
    out->items.emplace_back();
    out->items.back().problem = "a JSON-RPC message is an object (or a batch: an array of objects)";
    return simdjson::SUCCESS;
  }
  // Past the last token current_location() fails with OUT_OF_BOUNDS; anything else is
  // text after the message.
  const char* location = nullptr;
  if (doc.current_location().get(location) == simdjson::SUCCESS) return simdjson::TRAILING_CONTENT;
  return simdjson::SUCCESS;
}

}  // namespace

bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == s.size();
}

void ParseMessage(const char* data, size_t size, ParsedMessage* out) {
  out->batch = false;
  out->items.clear();
  out->parse_error.clear();
  od::parser& parser = ThreadParser();
  // A large message's buffers are released by the next small one (not now: `out` points
  // into them).
  if (parser.capacity() > kKeptCapacity && size <= kKeptCapacity) parser = od::parser();
  if (auto e = ParseDocument(parser, data, size, out)) {
    out->items.clear();
    out->batch = false;
    out->parse_error = ParseErrorMessage(data, size, e);
  }
}

}  // namespace pipebridge::jsonrpc
