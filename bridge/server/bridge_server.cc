#include "bridge/server/bridge_server.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bridge/core/status_macros.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/logging_interceptor.h"
#include "bridge/core/templates/templates_yaml_loader.h"
#include "bridge/server/token.h"
#include "bridge/service/services.h"

namespace pipebridge::server {

const char* Version() { return PIPEBRIDGE_VERSION; }

BridgeServer::BridgeServer(const ServerConfig& config, const rpc::Logger& logger, std::string token)
    : config_(config),
      logger_(logger),
      token_(std::move(token)),
      info_(Version(), {"bridge", "templates"}),
      discovery_(config.discovery_dir.empty() ? DefaultDiscoveryDir() : config.discovery_dir) {}

namespace {

absl::StatusOr<std::shared_ptr<const core::templates::TemplateSet>> LoadTemplates(
    const ServerConfig& config, const rpc::Logger& logger) {
  if (config.templates.empty()) return nullptr;
  core::templates::TemplatesLoadOptions options;
  options.roots = config.roots;
  auto templates = core::templates::LoadTemplatesYaml(config.templates, options);
  if (!templates.ok()) {
    return absl::Status(templates.status().code(),
                        absl::StrCat("--templates: ", templates.status().message()));
  }
  for (const auto& warning : (*templates)->warnings()) {
    logger.Warning("templates", {{"warning", warning}});
  }
  for (const auto& ambiguity : (*templates)->ambiguities()) {
    logger.Info("templates may match the same path",
                {{"template_a", ambiguity.template_a}, {"template_b", ambiguity.template_b},
                 {"example", ambiguity.example_path}});
  }
  logger.Info("templates loaded", {{"file", config.templates},
                                   {"templates", static_cast<int64_t>((*templates)->List().size())}});
  return templates;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BridgeServer>> BridgeServer::Start(const ServerConfig& given,
                                                                  const rpc::Logger& logger) {
  ServerConfig config = given;
  ApplyDemoDefaults(config);
  PB_RETURN_IF_ERROR(ValidateConfig(config));
  PB_ASSIGN_OR_RETURN(std::string token, NewToken());
  std::unique_ptr<BridgeServer> server(new BridgeServer(config, logger, std::move(token)));

  service::ServiceDeps deps;
  deps.info = &server->info_;
  PB_ASSIGN_OR_RETURN(deps.templates, LoadTemplates(config, logger));
  PB_RETURN_IF_ERROR(service::RegisterServices(server->methods_, deps));

  // Order matters: logging sees every outcome, auth refuses before any work is done.
  std::vector<std::unique_ptr<rpc::Interceptor>> chain;
  chain.push_back(std::make_unique<rpc::LoggingInterceptor>());
  chain.push_back(std::make_unique<rpc::AuthInterceptor>(server->token_));
  chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(
      rpc::DeadlinePolicy{config.default_timeout, config.max_timeout}));
  server->dispatcher_ =
      std::make_unique<rpc::Dispatcher>(server->methods_, std::move(chain), logger);

  grpc_adapter::GrpcServerOptions grpc_options;
  grpc_options.host = config.host;
  grpc_options.port = config.grpc_port;
  PB_ASSIGN_OR_RETURN(server->grpc_,
                      grpc_adapter::GrpcServer::Start(*server->dispatcher_, grpc_options));
  server->info_.AddEndpoint({"grpc", server->grpc_->address()});
  server->running_ = true;

  DiscoveryInfo discovery;
  discovery.pid = static_cast<int>(::getpid());
  discovery.version = Version();
  discovery.protocol_version = service::kProtocolVersion;
  discovery.token = server->token_;
  for (const auto& endpoint : server->info_.endpoints()) {
    discovery.endpoints.emplace_back(endpoint.transport, endpoint.address);
  }
  discovery.started_at =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", server->info_.started_at(), absl::UTCTimeZone());
  if (absl::Status published = server->discovery_.Publish(discovery); !published.ok()) {
    server->grpc_->Shutdown(absl::ZeroDuration());
    server->running_ = false;
    return published;
  }
  logger.Info("listening", {{"transport", "grpc"}, {"address", server->grpc_->address()}});
  logger.Info("discovery file written", {{"path", server->discovery_.path()}});
  return server;
}

BridgeServer::~BridgeServer() { Shutdown(); }

void BridgeServer::Shutdown() {
  if (!running_) return;
  running_ = false;
  logger_.Info("shutting down", {{"grace_ms", absl::ToInt64Milliseconds(config_.shutdown_grace)}});
  grpc_->Shutdown(config_.shutdown_grace);
  discovery_.Remove();
  logger_.Info("stopped");
}

}  // namespace pipebridge::server
