#include "bridge/server/server_config.h"

#include <arpa/inet.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <functional>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::server {
namespace {

// One setting, reachable as `--name value` and as `name_with_underscores: value` in YAML.
struct Setting {
  const char* flag;
  const char* help;
  bool is_switch;  // takes no value on the command line
  std::function<absl::Status(const std::string& value, ServerConfig& config)> apply;
};

absl::Status ParsePort(const std::string& value, int* port) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed) || parsed < 0 || parsed > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not a port number (0-65535)"));
  }
  *port = parsed;
  return absl::OkStatus();
}

// A port, or -1 for "no such listener".
absl::Status ParseListenerPort(const std::string& value, int* port) {
  if (value == "-1") {
    *port = -1;
    return absl::OkStatus();
  }
  return ParsePort(value, port);
}

absl::Status ParseMillis(const std::string& value, absl::Duration* duration) {
  int64_t ms = 0;
  if (!absl::SimpleAtoi(value, &ms) || ms <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" is not a positive number of milliseconds"));
  }
  *duration = absl::Milliseconds(ms);
  return absl::OkStatus();
}

absl::Status ParseBool(const std::string& value, bool* out) {
  if (value == "true" || value == "1" || value == "yes") *out = true;
  else if (value == "false" || value == "0" || value == "no") *out = false;
  else return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not true or false"));
  return absl::OkStatus();
}

absl::Status ParseRoot(const std::string& value, std::map<std::string, std::string>& roots) {
  const auto eq = value.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= value.size()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not NAME=/absolute/path"));
  }
  std::string name = value.substr(0, eq);
  std::string path = value.substr(eq + 1);
  if (path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("root ", name, ": \"", path, "\" is not an absolute path"));
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  roots[name] = path;
  return absl::OkStatus();
}

const std::vector<Setting>& Settings() {
  static const auto* settings = new std::vector<Setting>{
      {"host", "IP address to listen on (default 127.0.0.1; loopback only unless --allow-remote)",
       false,
       [](const std::string& v, ServerConfig& c) {
         c.host = v == "localhost" ? "127.0.0.1" : v;
         return absl::OkStatus();
       }},
      {"allow-remote", "allow a non-loopback --host (the token is then the only protection)", true,
       [](const std::string& v, ServerConfig& c) { return ParseBool(v, &c.allow_remote); }},
      {"grpc-port", "native gRPC port (default 47731; 0 picks a free one)", false,
       [](const std::string& v, ServerConfig& c) { return ParsePort(v, &c.grpc_port); }},
      {"http-port", "HTTP port: JSON-RPC over WebSocket at /rpc (default 47732; 0 picks one; -1 off)",
       false, [](const std::string& v, ServerConfig& c) { return ParseListenerPort(v, &c.http_port); }},
      {"tcp-port", "JSON-RPC over TCP, newline-delimited (default 47733; 0 picks one; -1 off)", false,
       [](const std::string& v, ServerConfig& c) { return ParseListenerPort(v, &c.tcp_port); }},
      {"discovery-dir", "folder of the discovery file (default $XDG_RUNTIME_DIR/pipebridge)", false,
       [](const std::string& v, ServerConfig& c) {
         if (v.empty()) return absl::InvalidArgumentError("must not be empty");
         c.discovery_dir = v;
         return absl::OkStatus();
       }},
      {"log-level", "debug, info, warning or error (default info)", false,
       [](const std::string& v, ServerConfig& c) {
         if (!rpc::ParseLogLevel(v, &c.log_level)) {
           return absl::InvalidArgumentError(
               absl::StrCat("\"", v, "\" is not one of debug, info, warning, error"));
         }
         return absl::OkStatus();
       }},
      {"default-deadline-ms", "deadline of calls that name none (default 30000)", false,
       [](const std::string& v, ServerConfig& c) { return ParseMillis(v, &c.default_timeout); }},
      {"max-deadline-ms", "longest deadline any unary call gets (default 600000)", false,
       [](const std::string& v, ServerConfig& c) { return ParseMillis(v, &c.max_timeout); }},
      {"shutdown-grace-ms", "time in-flight calls get to finish at shutdown (default 5000)", false,
       [](const std::string& v, ServerConfig& c) { return ParseMillis(v, &c.shutdown_grace); }},
      {"project-dir", "folder of the project store (default $XDG_DATA_HOME/pipebridge/demo)", false,
       [](const std::string& v, ServerConfig& c) {
         if (v.empty()) return absl::InvalidArgumentError("must not be empty");
         c.project_dir = v;
         return absl::OkStatus();
       }},
      {"templates", "the project's templates.yml (Toolkit format)", false,
       [](const std::string& v, ServerConfig& c) {
         if (v.empty()) return absl::InvalidArgumentError("must not be empty");
         c.templates = v;
         return absl::OkStatus();
       }},
      {"entity-schema", "YAML of custom entity types and fields", false,
       [](const std::string& v, ServerConfig& c) {
         if (v.empty()) return absl::InvalidArgumentError("must not be empty");
         c.entity_schema = v;
         return absl::OkStatus();
       }},
      {"root", "a storage root NAME=/absolute/path of path templates (repeatable)", false,
       [](const std::string& v, ServerConfig& c) { return ParseRoot(v, c.roots); }},
      {"demo", "serve the demo project (seeded on first run, demo templates and roots)", true,
       [](const std::string& v, ServerConfig& c) { return ParseBool(v, &c.demo); }},
  };
  return *settings;
}

const Setting* FindSetting(const std::string& name) {
  for (const auto& setting : Settings()) {
    if (name == setting.flag) return &setting;
  }
  return nullptr;
}

std::string YamlKey(const char* flag) {
  std::string key = flag;
  for (char& c : key) if (c == '-') c = '_';
  return key;
}

absl::Status LoadConfigFile(const std::string& path, ServerConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return absl::InvalidArgumentError(absl::StrCat("--config: cannot read \"", path, "\""));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("--config: \"", path, "\" line ", e.mark.line + 1,
                                                   ": ", e.msg));
  }
  if (root.IsNull()) return absl::OkStatus();
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat("--config: \"", path, "\" is not a YAML mapping"));
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    if (key == "roots" && entry.second.IsMap()) {  // roots: {primary: /mnt/projects/demo}
      for (const auto& storage : entry.second) {
        absl::Status status = ParseRoot(
            absl::StrCat(storage.first.as<std::string>(), "=", storage.second.as<std::string>()),
            config.roots);
        if (!status.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("--config: \"", path, "\" line ",
                                                         storage.first.Mark().line + 1, ": roots: ",
                                                         status.message()));
        }
      }
      continue;
    }
    const Setting* setting = nullptr;
    for (const auto& candidate : Settings()) {
      if (YamlKey(candidate.flag) == key) setting = &candidate;
    }
    if (setting == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--config: \"", path, "\" line ", entry.first.Mark().line + 1,
                       ": unknown setting \"", key, "\""));
    }
    if (!entry.second.IsScalar()) {
      return absl::InvalidArgumentError(absl::StrCat("--config: \"", path, "\" line ",
                                                     entry.second.Mark().line + 1, ": ", key,
                                                     " must be a single value"));
    }
    absl::Status status = setting->apply(entry.second.Scalar(), config);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--config: \"", path, "\" line ",
                                                     entry.second.Mark().line + 1, ": ", key, ": ",
                                                     status.message()));
    }
  }
  return absl::OkStatus();
}

bool IsLoopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine command;
  size_t i = 0;
  if (i < args.size() && args[i] == "discover") {
    if (args.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat("discover takes no arguments, got \"",
                                                     args[1], "\""));
    }
    command.action = CommandLine::Action::kDiscover;
    return command;
  }
  if (i < args.size() && args[i] == "serve") ++i;
  // The config file comes first so that flags override it wherever they stand.
  for (size_t j = i; j < args.size(); ++j) {
    if (args[j] == "--config") {
      if (j + 1 >= args.size()) return absl::InvalidArgumentError("--config: needs a file path");
      PB_RETURN_IF_ERROR(LoadConfigFile(args[j + 1], command.config));
    } else if (args[j].rfind("--config=", 0) == 0) {
      PB_RETURN_IF_ERROR(LoadConfigFile(args[j].substr(9), command.config));
    }
  }
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      command.action = CommandLine::Action::kHelp;
      return command;
    }
    if (arg == "--version") {
      command.action = CommandLine::Action::kVersion;
      return command;
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg,
                                                     "\" (see --help)"));
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "config") {
      if (!has_value) ++i;  // already loaded above
      continue;
    }
    const Setting* setting = FindSetting(name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (setting->is_switch) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, ": needs a value"));
      }
    }
    absl::Status status = setting->apply(value, command.config);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", status.message()));
    }
  }
  ApplyDemoDefaults(command.config);
  PB_RETURN_IF_ERROR(ValidateConfig(command.config));
  return command;
}

absl::Status ValidateConfig(const ServerConfig& config) {
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, config.host.c_str(), &v4) != 1 &&
      inet_pton(AF_INET6, config.host.c_str(), &v6) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--host: \"", config.host, "\" is not an IP address"));
  }
  if (!config.allow_remote && !IsLoopback(config.host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--host: ", config.host,
        " is not a loopback address; the bridge runs commands in artists' applications, so "
        "it listens on loopback only unless started with --allow-remote"));
  }
  if (config.default_timeout > config.max_timeout) {
    return absl::InvalidArgumentError(
        "--default-deadline-ms: must not exceed --max-deadline-ms");
  }
  return absl::OkStatus();
}

std::string DefaultDiscoveryDir() {
  if (const char* dir = std::getenv("PIPEBRIDGE_DISCOVERY_DIR"); dir != nullptr && *dir) return dir;
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && *runtime) {
    return absl::StrCat(runtime, "/pipebridge");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home) {
    return absl::StrCat(home, "/.pipebridge");
  }
  return "/tmp/pipebridge-" + std::to_string(::getuid());
}

std::string DefaultProjectDir() {
  if (const char* dir = std::getenv("PIPEBRIDGE_PROJECT_DIR"); dir != nullptr && *dir) return dir;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data) {
    return absl::StrCat(data, "/pipebridge/demo");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home) {
    return absl::StrCat(home, "/.local/share/pipebridge/demo");
  }
  return "/tmp/pipebridge-" + std::to_string(::getuid()) + "/demo";
}

void ApplyDemoDefaults(ServerConfig& config) {
  if (config.project_dir.empty()) config.project_dir = DefaultProjectDir();
  if (!config.demo) return;
  if (config.templates.empty()) {
    config.templates = absl::StrCat(PIPEBRIDGE_DEMO_DIR, "/templates/templates.yml");
  }
  if (config.roots.empty()) {
    config.roots["primary"] = absl::StrCat(config.project_dir, "/projects/demo");
    config.roots["secondary"] = absl::StrCat(config.project_dir, "/renders/demo");
  }
}

std::string UsageText() {
  std::string text =
      "usage: pipebridge [serve] [--config FILE] [flags]\n"
      "       pipebridge discover    print the rpc.discover document (the contract as JSON)\n"
      "\n"
      "Serves the studio pipeline (entities, templates, context, publishes, events, host\n"
      "commands) to every application on this workstation, on loopback, with a token.\n"
      "Clients find it through the discovery file.\n"
      "\n"
      "flags (each also a key of the YAML --config file, with '_' for '-'):\n";
  for (const auto& setting : Settings()) {
    std::string flag = absl::StrCat("  --", setting.flag, setting.is_switch ? "" : " VALUE");
    flag.resize(std::max<size_t>(flag.size() + 2, 30), ' ');
    absl::StrAppend(&text, flag, setting.help, "\n");
  }
  absl::StrAppend(&text, "  --help                      this text\n",
                  "  --version                   print the version and exit\n");
  return text;
}

}  // namespace pipebridge::server
