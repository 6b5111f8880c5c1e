// How the transport benchmarks start pipebridge: every listener on an ephemeral port, its
// discovery file and demo project under a scratch folder, so runs never collide.
#pragma once

#include <string>

#include "bridge/server/server_config.h"

namespace pipebridge::bench {

inline server::ServerConfig EphemeralBridgeConfig(const std::string& scratch_root) {
  server::ServerConfig config;
  config.grpc_port = 0;
  config.http_port = 0;
  config.tcp_port = 0;
  config.discovery_dir = scratch_root + "/discovery";
  config.project_dir = scratch_root + "/project";
  return config;
}

}  // namespace pipebridge::bench
