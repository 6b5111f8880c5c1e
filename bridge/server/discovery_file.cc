#include "bridge/server/discovery_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace pipebridge::server {

bool ProcessAlive(int pid) {
  if (pid <= 0) return false;
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

DiscoveryFile::DiscoveryFile(std::string dir) : dir_(std::move(dir)), path_(dir_ + "/bridge.json") {}

std::string DiscoveryFile::ToJson(const DiscoveryInfo& info) {
  nlohmann::json endpoints = nlohmann::json::object();
  for (const auto& [transport, address] : info.endpoints) endpoints[transport] = address;
  nlohmann::json json = {
      {"pid", info.pid},
      {"version", info.version},
      {"protocolVersion", info.protocol_version},
      {"token", info.token},
      {"endpoints", endpoints},
      {"startedAt", info.started_at},
  };
  return json.dump(2) + "\n";
}

absl::StatusOr<DiscoveryInfo> DiscoveryFile::Read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("no discovery file at ", path));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::DataLossError(absl::StrCat("discovery file ", path, " is not valid JSON"));
  }
  DiscoveryInfo info;
  try {
    info.pid = json.at("pid").get<int>();
    info.version = json.value("version", "");
    info.protocol_version = json.value("protocolVersion", 0);
    info.token = json.at("token").get<std::string>();
    info.started_at = json.value("startedAt", "");
    for (const auto& [transport, address] : json.at("endpoints").items()) {
      info.endpoints.emplace_back(transport, address.get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat("discovery file ", path, ": ", e.what()));
  }
  return info;
}

absl::Status DiscoveryFile::Publish(const DiscoveryInfo& info) {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create the discovery folder ", dir_,
                                                      ": ", std::strerror(errno)));
  }
  struct stat folder {};
  if (::stat(dir_.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("discovery folder ", dir_, " is not a folder"));
  }
  if (auto existing = Read(path_); existing.ok()) {
    if (ProcessAlive(existing->pid)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "another bridge (pid ", existing->pid, ") is running and owns ", path_,
          "; stop it first, or give this one another --discovery-dir"));
    }
  }
  const std::string temp = absl::StrCat(path_, ".", ::getpid(), ".tmp");
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write the discovery file in ", dir_,
                                                    ": ", std::strerror(errno)));
  }
  ::fchmod(fd, 0600);  // whatever the umask
  const std::string json = ToJson(info);
  const bool written = ::write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path_.c_str()) != 0) {
    ::unlink(temp.c_str());
    return absl::PermissionDeniedError(absl::StrCat("cannot write the discovery file ", path_,
                                                    ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void DiscoveryFile::Remove() {
  auto existing = Read(path_);
  if (existing.ok() && existing->pid == ::getpid()) ::unlink(path_.c_str());
}

}  // namespace pipebridge::server
