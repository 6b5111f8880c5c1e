#include "bridge/server/server_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace pipebridge::server {
namespace {

absl::StatusOr<CommandLine> Parse(std::vector<std::string> args) { return ParseCommandLine(args); }

TEST(ServerConfigTest, DefaultsListenOnLoopbackOnTheStablePort) {
  auto command = Parse({"serve"});
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->action, CommandLine::Action::kServe);
  EXPECT_EQ(command->config.host, "127.0.0.1");
  EXPECT_EQ(command->config.grpc_port, kDefaultGrpcPort);
}

TEST(ServerConfigTest, FlagsInBothForms) {
  auto command = Parse({"--grpc-port", "0", "--log-level=debug", "--host", "::1",
                        "--default-deadline-ms", "1500"});
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->config.grpc_port, 0);
  EXPECT_EQ(command->config.log_level, rpc::LogLevel::kDebug);
  EXPECT_EQ(command->config.host, "::1");
  EXPECT_EQ(command->config.default_timeout, absl::Milliseconds(1500));
}

TEST(ServerConfigTest, BadValuesNameTheFlagAndTheReason) {
  auto port = Parse({"--grpc-port", "70000"});
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(port.status().message().find("--grpc-port"), std::string::npos);
  EXPECT_NE(port.status().message().find("70000"), std::string::npos);

  auto unknown = Parse({"--gprc-port", "1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown flag --gprc-port"), std::string::npos);

  auto missing = Parse({"--log-level"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs a value"), std::string::npos);

  auto level = Parse({"--log-level", "loud"});
  ASSERT_FALSE(level.ok());
  EXPECT_NE(level.status().message().find("loud"), std::string::npos);

  auto host = Parse({"--host", "pipeline.example"});
  ASSERT_FALSE(host.ok());
  EXPECT_NE(host.status().message().find("not an IP address"), std::string::npos);
}

TEST(ServerConfigTest, RemoteAddressNeedsExplicitPermission) {
  auto refused = Parse({"--host", "0.0.0.0"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--allow-remote"), std::string::npos);
  auto allowed = Parse({"--host", "0.0.0.0", "--allow-remote"});
  EXPECT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_TRUE(Parse({"--host", "127.0.0.2"}).ok()) << "all of 127/8 is loopback";
}

TEST(ServerConfigTest, ConfigFileIsReadAndFlagsOverrideIt) {
  const std::string path = ::testing::TempDir() + "/pipebridge-config.yml";
  std::ofstream(path) << "grpc_port: 5000\nlog_level: warning\n";
  auto command = Parse({"--grpc-port", "6000", "--config", path});
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->config.grpc_port, 6000);
  EXPECT_EQ(command->config.log_level, rpc::LogLevel::kWarning);
}

TEST(ServerConfigTest, ConfigFileErrorsNameTheLineAndKey) {
  const std::string path = ::testing::TempDir() + "/pipebridge-bad-config.yml";
  std::ofstream(path) << "log_level: info\ngrpc_prot: 5000\n";
  auto unknown = Parse({"--config", path});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("line 2"), std::string::npos) << unknown.status();
  EXPECT_NE(unknown.status().message().find("grpc_prot"), std::string::npos);

  std::ofstream(path) << "grpc_port: lots\n";
  auto bad = Parse({"--config", path});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("grpc_port"), std::string::npos) << bad.status();

  auto missing = Parse({"--config", "/nonexistent/pipebridge.yml"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot read"), std::string::npos);
}

TEST(ServerConfigTest, HelpAndVersion) {
  EXPECT_EQ(Parse({"--help"})->action, CommandLine::Action::kHelp);
  EXPECT_EQ(Parse({"serve", "--version"})->action, CommandLine::Action::kVersion);
  EXPECT_NE(UsageText().find("--grpc-port"), std::string::npos);
}

TEST(ServerConfigTest, DiscoveryDirFollowsTheEnvironment) {
  ::setenv("PIPEBRIDGE_DISCOVERY_DIR", "/tmp/custom-discovery", 1);
  EXPECT_EQ(DefaultDiscoveryDir(), "/tmp/custom-discovery");
  ::unsetenv("PIPEBRIDGE_DISCOVERY_DIR");
  ::setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
  EXPECT_EQ(DefaultDiscoveryDir(), "/run/user/1000/pipebridge");
}

}  // namespace
}  // namespace pipebridge::server
