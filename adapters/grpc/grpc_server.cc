#include "adapters/grpc/grpc_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "adapters/grpc/generic_service.h"

namespace pipebridge::grpc_adapter {
namespace {

bool IsIpv6(const std::string& host) { return host.find(':') != std::string::npos; }

std::string HostPort(const std::string& host, int port) {
  return IsIpv6(host) ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
}

// gRPC reports a failed bind only as "could not start"; binding once ourselves first turns
// the common causes into errors a person can act on.
absl::Status CheckCanListen(const std::string& host, int port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (IsIpv6(host)) {
    auto* address = reinterpret_cast<sockaddr_in6*>(&storage);
    address->sin6_family = AF_INET6;
    address->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, host.c_str(), &address->sin6_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("listen address \"", host, "\" is not an IP address"));
    }
    length = sizeof(sockaddr_in6);
  } else {
    auto* address = reinterpret_cast<sockaddr_in*>(&storage);
    address->sin_family = AF_INET;
    address->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &address->sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("listen address \"", host, "\" is not an IP address"));
    }
    length = sizeof(sockaddr_in);
  }
  int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket(): ", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // as gRPC binds
  int result = ::bind(fd, reinterpret_cast<sockaddr*>(&storage), length);
  int error = errno;
  ::close(fd);
  if (result == 0) return absl::OkStatus();
  if (error == EADDRINUSE) {
    return absl::FailedPreconditionError(
        absl::StrCat(HostPort(host, port), " is already in use; stop the program using it or "
                     "choose another port"));
  }
  if (error == EACCES) {
    return absl::PermissionDeniedError(absl::StrCat("no permission to listen on ", HostPort(host, port)));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("cannot listen on ", HostPort(host, port), ": ", std::strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const rpc::Dispatcher& dispatcher,
                                                               const GrpcServerOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", options.port, " is out of range 0-65535"));
  }
  if (absl::Status usable = CheckCanListen(options.host, options.port); !usable.ok()) {
    return usable;
  }
  std::unique_ptr<GrpcServer> server(new GrpcServer());
  server->host_ = options.host;
  if (absl::Status added = server->AddTransportServices(dispatcher); !added.ok()) return added;

  grpc::ServerBuilder builder;
  // Without this a second server could bind the same port and steal half the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddListeningPort(HostPort(options.host, options.port), grpc::InsecureServerCredentials(),
                           &server->port_);
  for (auto& service : server->services_) builder.RegisterService(service.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", HostPort(options.host, options.port)));
  }
  return server;
}

absl::Status GrpcServer::AddTransportServices(const rpc::Dispatcher& dispatcher) {
  if (absl::Status added = health_.AddTo(transport_methods_); !added.ok()) return added;
  if (absl::Status added = reflection_.AddTo(transport_methods_); !added.ok()) return added;
  std::vector<std::string> names;
  const rpc::MethodTable* tables[] = {&dispatcher.methods(), &transport_methods_};
  for (const rpc::MethodTable* table : tables) {
    for (const auto* service : table->services()) {
      names.push_back(service->full_name());
      health_.AddServiceName(service->full_name());
    }
    for (auto& service : MakeGenericServices(dispatcher, *table)) services_.push_back(std::move(service));
  }
  reflection_.set_service_names(std::move(names));
  return absl::OkStatus();
}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

std::string GrpcServer::address() const { return HostPort(host_, port_); }

void GrpcServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  health_.SetNotServing();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  server_.reset();
}

}  // namespace pipebridge::grpc_adapter
