// The per-user discovery file: how every client finds the running bridge (pid, version,
// endpoints, token) with no configuration. Mode 0600 in a 0700 folder: the token in it is
// what keeps other users' processes out.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pipebridge::server {

struct DiscoveryInfo {
  int pid = 0;
  std::string version;
  int protocol_version = 0;
  std::string token;
  // transport -> address, e.g. {"grpc", "127.0.0.1:47731"}.
  std::vector<std::pair<std::string, std::string>> endpoints;
  std::string started_at;  // RFC 3339
};

class DiscoveryFile {
 public:
  // "<dir>/bridge.json"
  explicit DiscoveryFile(std::string dir);

  const std::string& path() const { return path_; }

  // Creates the folder (0700) if needed and writes the file (0600) atomically.
  // ALREADY_EXISTS when the file names a live process (another bridge runs); a file left
  // by a dead process is stale and replaced. PERMISSION_DENIED / FAILED_PRECONDITION
  // naming the folder when it cannot be written.
  absl::Status Publish(const DiscoveryInfo& info);

  // Removes the file if it still names this process.
  void Remove();

  // Reads and parses the file. NOT_FOUND when absent.
  static absl::StatusOr<DiscoveryInfo> Read(const std::string& path);

  static std::string ToJson(const DiscoveryInfo& info);

 private:
  std::string dir_;
  std::string path_;
};

// True when a process with this pid exists (even if owned by someone else).
bool ProcessAlive(int pid);

}  // namespace pipebridge::server
