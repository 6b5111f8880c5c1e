// Rare paths: each parse copies its input into a padded string and uses a local parser.
#include "adapters/jsonrpc/jsonrpc_params.h"

#include <simdjson.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "adapters/jsonrpc/json_raw.h"
#include "adapters/jsonrpc/jsonrpc_envelope.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::jsonrpc {
namespace {

namespace od = simdjson::ondemand;


absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status Invalid(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(Absl(path), ": ", Absl(problem)));
}

absl::Status NotJson(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(Absl(what), " is not valid JSON"));
}

// Raw JSON text of any value (reading it validates it).
simdjson::error_code Raw(od::value& value, std::string_view* raw) {
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  return ConsumeRawJson(value, type, raw);
}

absl::Status ReadString(od::value& value, std::string_view path, std::string* out) {
  std::string_view text;
  if (value.get_string().get(text)) return Invalid(path, "must be a string");
  out->assign(text.data(), text.size());
  return absl::OkStatus();
}

absl::Status ReadMeta(od::value& value, std::optional<absl::Duration>* timeout) {
  od::object object;
  if (value.get_object().get(object)) return Invalid("$meta", "must be an object");
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (std::move(member).get(field) || field.unescaped_key().get(key)) return NotJson("$meta");
    od::value item = field.value();
    if (key == "timeoutMs") {
      double ms = 0;
      if (item.get_double().get(ms) || !(ms >= 0) || ms > 1e12) {
        return Invalid("$meta.timeoutMs", "must be a number of milliseconds, 0 or more");
      }
      *timeout = absl::Milliseconds(ms);
    } else {
      std::string_view unused;
      if (Raw(item, &unused)) return NotJson("$meta");
      return Invalid(absl::StrCat("$meta.", Absl(key)),
                     "unknown field (\"$meta\" has only timeoutMs)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool MayHaveMeta(std::string_view params) {
  return params.find("\"$meta\"") != std::string_view::npos;
}

absl::Status SplitMeta(std::string_view params, std::string* stripped,
                       std::optional<absl::Duration>* timeout) {
  simdjson::padded_string padded(params);
  od::parser parser;
  od::document doc;
  od::object object;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) return NotJson("params");
  stripped->clear();
  stripped->push_back('{');
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (std::move(member).get(field) || field.unescaped_key().get(key)) return NotJson("params");
    od::value value = field.value();
    if (key == "$meta") {
      if (absl::Status status = ReadMeta(value, timeout); !status.ok()) return status;
      continue;
    }
    std::string_view raw;
    if (Raw(value, &raw)) return NotJson("params");
    if (stripped->size() > 1) stripped->push_back(',');
    rpc::AppendJsonString(Absl(key), stripped);
    stripped->push_back(':');
    stripped->append(raw.data(), raw.size());
  }
  stripped->push_back('}');
  return absl::OkStatus();
}

absl::Status ParseInitializeParams(std::string_view params, InitializeParams* out) {
  if (params.empty()) {
    return absl::InvalidArgumentError(
        "$/initialize needs params {\"token\": ..., \"client\": {\"name\": ..., \"version\": ...}, "
        "\"protocolVersion\": ...}");
  }
  simdjson::padded_string padded(params);
  od::parser parser;
  od::document doc;
  od::object object;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) return NotJson("params");
  bool has_token = false, has_version = false;
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (std::move(member).get(field) || field.unescaped_key().get(key)) return NotJson("params");
    od::value value = field.value();
    if (key == "token") {
      if (absl::Status s = ReadString(value, "token", &out->token); !s.ok()) return s;
      has_token = true;
    } else if (key == "protocolVersion") {
      int64_t version = 0;
      if (value.get_int64().get(version)) return Invalid("protocolVersion", "must be an integer");
      out->protocol_version = version;
      has_version = true;
    } else if (key == "client") {
      od::object client;
      if (value.get_object().get(client)) return Invalid("client", "must be an object");
      for (auto client_member : client) {
        od::field client_field;
        std::string_view client_key;
        if (std::move(client_member).get(client_field) ||
            client_field.unescaped_key().get(client_key)) {
          return NotJson("params");
        }
        od::value item = client_field.value();
        if (client_key == "name") {
          if (absl::Status s = ReadString(item, "client.name", &out->client_name); !s.ok()) return s;
        } else if (client_key == "version") {
          if (absl::Status s = ReadString(item, "client.version", &out->client_version); !s.ok()) {
            return s;
          }
        } else {
          return Invalid(absl::StrCat("client.", Absl(client_key)),
                         "unknown field (client has name and version)");
        }
      }
    } else if (key == "$meta") {
      // Every method takes $meta; the handshake answers at once, so its timeout has no use.
      std::optional<absl::Duration> unused;
      if (absl::Status s = ReadMeta(value, &unused); !s.ok()) return s;
    } else {
      std::string_view unused;
      if (Raw(value, &unused)) return NotJson("params");
      return Invalid(key, "unknown field (the params of $/initialize are token, client and "
                          "protocolVersion)");
    }
  }
  if (!has_token) return Invalid("token", "is required (the token of the bridge's discovery file)");
  if (!has_version) return Invalid("protocolVersion", "is required");
  return absl::OkStatus();
}

absl::Status ParseCancelParams(std::string_view params, std::string* id) {
  if (params.empty()) return Invalid("id", "is required (the id of the call to cancel)");
  simdjson::padded_string padded(params);
  od::parser parser;
  od::document doc;
  od::object object;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) return NotJson("params");
  bool has_id = false;
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (std::move(member).get(field) || field.unescaped_key().get(key)) return NotJson("params");
    od::value value = field.value();
    std::string_view raw;
    if (Raw(value, &raw)) return NotJson("params");
    if (key != "id") return Invalid(key, "unknown field ($/cancelRequest has only id)");
    id->assign(raw.data(), raw.size());
    has_id = true;
  }
  if (!has_id) return Invalid("id", "is required (the id of the call to cancel)");
  return absl::OkStatus();
}

}  // namespace pipebridge::jsonrpc
