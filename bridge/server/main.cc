// pipebridge: the local pipeline bridge. `pipebridge serve --help` lists the flags.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "adapters/transcoding/contract_description.h"
#include "bridge/server/bridge_server.h"
#include "bridge/server/server_config.h"
#include "bridge/service/server_info.h"
#include "bridge/service/services.h"

namespace {

// Exit codes: 0 clean stop, 1 could not run (port in use, folder not writable, ...),
// 2 bad command line or config.
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace pipebridge::server;
  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Debian builds Abseil without NDEBUG, so every absl::Mutex lock (gRPC's included, about 24
  // per call) also runs the deadlock-cycle detector: a debug aid costing a quarter of a
  // call's CPU. The tests, which start the bridge in-process, keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  auto command = ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  if (!command.ok()) {
    std::cerr << "pipebridge: " << command.status().message() << "\n";
    return kExitUsage;
  }
  switch (command->action) {
    case CommandLine::Action::kHelp:
      std::cout << UsageText();
      return 0;
    case CommandLine::Action::kVersion:
      std::cout << "pipebridge " << Version() << "\n";
      return 0;
    case CommandLine::Action::kDiscover:
      std::cout << pipebridge::transcoding::DescribeContract(
                       pipebridge::service::ContractServices(), pipebridge::service::kProtocolVersion,
                       /*indent=*/2)
                << "\n";
      return 0;
    case CommandLine::Action::kServe:
      break;
  }

  pipebridge::rpc::Logger logger(command->config.log_level);
  auto server = BridgeServer::Start(command->config, logger);
  if (!server.ok()) {
    logger.Error("cannot start", {{"error", server.status().message()}});
    std::cerr << "pipebridge: " << server.status().message() << "\n";
    return kExitRuntime;
  }
  std::cout << "pipebridge " << Version() << " listening:\n";
  auto discovery = DiscoveryFile::Read((*server)->discovery_path());
  if (discovery.ok()) {
    for (const auto& [transport, address] : discovery->endpoints) {
      std::cout << "  " << transport << "  " << address << "\n";
    }
  }
  std::cout << "discovery file: " << (*server)->discovery_path() << std::endl;

  int received = 0;
  sigwait(&stop_signals, &received);
  logger.Info("signal received", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
  (*server)->Shutdown();
  return 0;
}
