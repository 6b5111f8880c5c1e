#include "bridge/server/bridge_server.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/connect/connect_handler.h"
#include "adapters/grpc/grpc_server.h"
#include "bridge/core/context/context_resolver.h"
#include "bridge/core/hosts/host_registry.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/status_macros.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/logging_interceptor.h"
#include "bridge/core/entities/demo_project.h"
#include "bridge/core/publishes/publishes_schema.h"
#include "bridge/core/templates/templates_yaml_loader.h"
#include "bridge/server/change_events.h"
#include "bridge/server/token.h"
#include "bridge/service/services.h"

namespace pipebridge::server {

const char* Version() { return PIPEBRIDGE_VERSION; }

BridgeServer::BridgeServer(const ServerConfig& config, const rpc::Logger& logger, std::string token)
    : config_(config),
      logger_(logger),
      token_(std::move(token)),
      info_(Version(), {"bridge", "entities", "templates", "context", "publishes", "events", "hosts"}),
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

// The project's store, <project_dir>/pipebridge.db, with its schema (default types, the
// --entity-schema ones, and the fields publishes need). Seeding waits for the event log.
absl::StatusOr<std::unique_ptr<core::entities::EntityStore>> OpenStore(const ServerConfig& config,
                                                                      const rpc::Logger& logger) {
  std::error_code error;
  std::filesystem::create_directories(config.project_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("--project-dir: cannot create ", config.project_dir, ": ", error.message()));
  }
  core::entities::StoreOptions options;
  if (!config.entity_schema.empty()) {
    std::ifstream in(config.entity_schema);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("--entity-schema: cannot read \"", config.entity_schema, "\""));
    }
    std::stringstream yaml;
    yaml << in.rdbuf();
    auto schema = core::entities::Schema::DefaultWithYaml(yaml.str());
    if (!schema.ok()) {
      return absl::Status(schema.status().code(),
                          absl::StrCat("--entity-schema: ", schema.status().message()));
    }
    options.schema = std::move(schema).value();
  }
  PB_RETURN_IF_ERROR(core::publishes::AddPublishesSchema(options.schema));
  const std::string path = config.project_dir + "/pipebridge.db";
  auto store = core::entities::EntityStore::Open(path, std::move(options));
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("project store: ", store.status().message()));
  }
  logger.Info("project store open", {{"path", path}});
  return store;
}

// The store's first project: GetInfo reports its code, events carry it.
struct ProjectIdentity {
  core::events::ProjectRef ref;
  std::string code;
};

ProjectIdentity FirstProject(const core::entities::EntityStore& store) {
  core::entities::FindRequest find;
  find.entity_type = "Project";
  find.fields = {"code", "name"};
  find.limit = 1;
  auto projects = store.Find(find);
  if (!projects.ok() || projects->empty()) return {};
  const auto& project = (*projects)[0];
  ProjectIdentity identity;
  identity.ref.type = "Project";
  identity.ref.id = project["id"].get<int64_t>();
  const auto& name = project.value("name", nlohmann::json());
  identity.ref.name = name.is_string() ? name.get<std::string>() : "";
  const auto& code = project.value("code", nlohmann::json());
  identity.code = code.is_string() ? code.get<std::string>() : "";
  return identity;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BridgeServer>> BridgeServer::Start(const ServerConfig& given,
                                                                  const rpc::Logger& logger) {
  ServerConfig config = given;
  ApplyDemoDefaults(config);
  PB_RETURN_IF_ERROR(ValidateConfig(config));
  PB_ASSIGN_OR_RETURN(std::string token, NewToken());
  std::unique_ptr<BridgeServer> server(new BridgeServer(config, logger, std::move(token)));

  PB_ASSIGN_OR_RETURN(server->store_, OpenStore(config, logger));
  PB_ASSIGN_OR_RETURN(server->events_, core::events::EventLog::Open(server->store_->database()));
  // From here on every change of the store is an event (the demo seed included).
  server->store_->SetChangeListener(MakeChangeEventListener(*server->events_, server->project_));
  if (config.demo) {
    PB_ASSIGN_OR_RETURN(auto demo, core::entities::SeedDemoProject(*server->store_));
    if (demo.created) logger.Info("demo project created", {{"project_id", demo.project_id}});
  }
  ProjectIdentity project = FirstProject(*server->store_);
  server->project_ = project.ref;
  server->info_.set_project(project.code);

  service::ServiceDeps deps;
  deps.info = &server->info_;
  deps.store = server->store_.get();
  PB_ASSIGN_OR_RETURN(deps.templates, LoadTemplates(config, logger));
  core::publishes::PublishStoreOptions publish_options;
  publish_options.templates = deps.templates;
  PB_ASSIGN_OR_RETURN(server->publishes_,
                      core::publishes::PublishStore::Open(*server->store_, publish_options));
  deps.publishes = server->publishes_.get();
  server->hosts_ = std::make_unique<core::hosts::HostRegistry>();
  deps.hosts = server->hosts_.get();
  server->contexts_ = std::make_unique<core::context::ContextResolver>(*server->store_, deps.templates);
  deps.contexts = server->contexts_.get();
  deps.events = server->events_.get();
  deps.project = &server->project_;
  deps.runner = &server->runner_;
  PB_RETURN_IF_ERROR(service::RegisterServices(server->methods_, deps));

  // Order matters: logging sees every outcome, auth refuses before any work is done.
  std::vector<std::unique_ptr<rpc::Interceptor>> chain;
  chain.push_back(std::make_unique<rpc::LoggingInterceptor>());
  chain.push_back(std::make_unique<rpc::AuthInterceptor>(server->token_));
  chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(
      rpc::DeadlinePolicy{config.default_timeout, config.max_timeout}));
  server->dispatcher_ =
      std::make_unique<rpc::Dispatcher>(server->methods_, std::move(chain), logger,
                                        &server->blocking_calls_);

  grpc_adapter::GrpcServerOptions grpc_options;
  grpc_options.host = config.host;
  grpc_options.port = config.grpc_port;
  PB_ASSIGN_OR_RETURN(server->grpc_,
                      grpc_adapter::GrpcServer::Start(*server->dispatcher_, grpc_options));
  server->info_.AddEndpoint({"grpc", server->grpc_->address()});
  server->running_ = true;

  if (config.http_port >= 0 || config.tcp_port >= 0) {
    jsonrpc::JsonRpcServerOptions json_options;
    json_options.host = config.host;
    json_options.http_port = config.http_port;
    json_options.tcp_port = config.tcp_port;
    json_options.token = server->token_;
    json_options.server_version = Version();
    json_options.protocol_version = service::kProtocolVersion;
    if (config.http_port >= 0) {
      // Connect and gRPC-Web share the HTTP port and the WebSocket's Origin allowlist.
      connect::ConnectHandlerOptions connect_options;
      connect_options.token = server->token_;
      connect_options.max_message_bytes = json_options.max_message_bytes;
      connect_options.allowed_origins = json_options.allowed_origins;
      connect_options.allow_missing_origin = json_options.allow_missing_origin;
      connect_options.max_json_depth = json_options.max_depth;
      server->connect_ =
          std::make_shared<connect::ConnectHandler>(*server->dispatcher_, connect_options);
      json_options.http_handler = server->connect_;
    }
    auto json_server = jsonrpc::JsonRpcServer::Start(*server->dispatcher_, json_options);
    if (!json_server.ok()) {
      server->grpc_->Shutdown(absl::ZeroDuration());
      server->running_ = false;
      return json_server.status();
    }
    server->jsonrpc_ = std::move(json_server).value();
    if (config.http_port >= 0) {
      server->info_.AddEndpoint({"jsonrpc-ws", absl::StrCat("ws://", server->jsonrpc_->http_address(), "/rpc")});
    }
    if (config.tcp_port >= 0) {
      server->info_.AddEndpoint({"jsonrpc-tcp", server->jsonrpc_->tcp_address()});
    }
    if (config.http_port >= 0) {  // Connect and gRPC-Web, on the WebSocket's port
      server->info_.AddEndpoint({"http", absl::StrCat("http://", server->jsonrpc_->http_address())});
    }
  }

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
    if (server->jsonrpc_) server->jsonrpc_->Shutdown(absl::ZeroDuration());
    server->grpc_->Shutdown(absl::ZeroDuration());
    server->running_ = false;
    return published;
  }
  for (const auto& endpoint : server->info_.endpoints()) {
    logger.Info("listening", {{"transport", endpoint.transport}, {"address", endpoint.address}});
  }
  logger.Info("discovery file written", {{"path", server->discovery_.path()}});
  return server;
}

BridgeServer::~BridgeServer() { Shutdown(); }

int BridgeServer::grpc_port() const { return grpc_->port(); }

std::string BridgeServer::grpc_address() const { return grpc_->address(); }

void BridgeServer::Shutdown() {
  if (!running_) return;
  running_ = false;
  logger_.Info("shutting down", {{"grace_ms", absl::ToInt64Milliseconds(config_.shutdown_grace)}});
  // Both drain at once: the JSON listeners first stop accepting, then gRPC's grace runs.
  // Connect/gRPC-Web calls end first: their streams would otherwise outlive the HTTP threads.
  if (connect_) connect_->Shutdown(config_.shutdown_grace);
  if (jsonrpc_) jsonrpc_->Shutdown(config_.shutdown_grace);
  grpc_->Shutdown(config_.shutdown_grace);
  discovery_.Remove();
  logger_.Info("stopped");
}

}  // namespace pipebridge::server
