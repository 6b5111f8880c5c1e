// The server's settings: defaults, then a YAML config file, then command-line flags.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/rpc/logger.h"

namespace pipebridge::server {

// Stable default ports: a Photoshop UXP manifest must name the endpoint it may reach.
inline constexpr int kDefaultGrpcPort = 47731;
inline constexpr int kDefaultHttpPort = 47732;  // JSON-RPC over WebSocket at /rpc
inline constexpr int kDefaultTcpPort = 47733;   // JSON-RPC over TCP, one message per line

struct ServerConfig {
  // Literal IP address every listener binds; loopback unless allow_remote.
  std::string host = "127.0.0.1";
  bool allow_remote = false;
  // 0 picks a free port (tests); the discovery file tells clients which.
  int grpc_port = kDefaultGrpcPort;
  // -1 turns a listener off.
  int http_port = kDefaultHttpPort;
  int tcp_port = kDefaultTcpPort;
  // Folder of the per-user discovery file; empty means the default (see DefaultDiscoveryDir).
  std::string discovery_dir;
  rpc::LogLevel log_level = rpc::LogLevel::kInfo;
  absl::Duration default_timeout = absl::Seconds(30);
  absl::Duration max_timeout = absl::Minutes(10);
  // How long in-flight calls may run on after SIGINT/SIGTERM before they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(5);

  // The project: its store (pipebridge.db) lives in project_dir; empty means the default
  // (DefaultProjectDir()).
  std::string project_dir;
  // The project's templates.yml (Toolkit format); empty: none, TemplateService answers
  // FAILED_PRECONDITION.
  std::string templates;
  // YAML declaring custom entity types and extra fields (see core/entities Schema::MergeYaml);
  // empty: the default ShotGrid-like types only.
  std::string entity_schema;
  // Storage roots of path templates: name -> absolute path ("primary" -> "/mnt/projects/demo").
  std::map<std::string, std::string> roots;
  // Serve the demo project: seeds it into an empty store, and uses the demo templates and
  // roots below project_dir unless others are given.
  bool demo = false;
};

// What the command line asked for.
struct CommandLine {
  enum class Action { kServe, kHelp, kVersion, kDiscover };
  Action action = Action::kServe;
  ServerConfig config;
};

// Parses `pipebridge [serve] [flags]`. INVALID_ARGUMENT naming the flag or the config
// file key and why, e.g. "--grpc-port: \"abc\" is not a port number".
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// Checks values that only make sense together (remote host without allow_remote, ...).
absl::Status ValidateConfig(const ServerConfig& config);

// $PIPEBRIDGE_DISCOVERY_DIR, else $XDG_RUNTIME_DIR/pipebridge, else $HOME/.pipebridge.
std::string DefaultDiscoveryDir();

// $PIPEBRIDGE_PROJECT_DIR, else $XDG_DATA_HOME/pipebridge/demo, else ~/.local/share/pipebridge/demo.
std::string DefaultProjectDir();

// Fills what --demo implies and what was left empty: project_dir, templates, roots.
void ApplyDemoDefaults(ServerConfig& config);

// The text printed by --help.
std::string UsageText();

}  // namespace pipebridge::server
