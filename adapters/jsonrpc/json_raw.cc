#include "adapters/jsonrpc/json_raw.h"

#include "adapters/jsonrpc/jsonrpc_envelope.h"

namespace pipebridge::jsonrpc {

namespace od = simdjson::ondemand;

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

simdjson::error_code ConsumeRawJson(od::value& value, od::json_type type, std::string_view* raw) {
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      return object.raw_json().get(*raw);
    }
    case od::json_type::array: {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      return array.raw_json().get(*raw);
    }
    case od::json_type::string: {
      *raw = TrimRight(value.raw_json_token());
      std::string_view unused;
      return value.get_string().get(unused);
    }
    case od::json_type::number: {
      *raw = TrimRight(value.raw_json_token());
      return IsJsonNumber(*raw) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    }
    case od::json_type::boolean: {
      *raw = TrimRight(value.raw_json_token());
      bool unused;
      return value.get_bool().get(unused);
    }
    case od::json_type::null: {
      *raw = TrimRight(value.raw_json_token());
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

}  // namespace pipebridge::jsonrpc
