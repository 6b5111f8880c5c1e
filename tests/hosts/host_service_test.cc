// HostService over real gRPC: hosts attached on real bidi streams, callers on their own
// channels. Routing, deadlines, cancellation, a host killed mid-invocation, re-entrant
// host-to-host calls, schema rejection, InvokeStream, leases and the events of it all.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "adapters/grpc/grpc_server.h"
#include "bridge/core/events/event_log.h"
#include "bridge/core/hosts/host_registry.h"
#include "bridge/core/sqlite/database.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/deadline_interceptor.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/service/host_service.h"
#include "bridge/service/json_struct.h"
#include "pipebridge/v1/hosts.grpc.pb.h"

namespace pipebridge {
namespace {

using nlohmann::json;
using service::JsonToStruct;
using service::ValueToJson;
constexpr char kToken[] = "hosts-test-token";

void Authorize(grpc::ClientContext& context) {
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
}

// Waits for `predicate` under `mutex`, up to `timeout`.
template <typename Predicate>
bool WaitFor(std::mutex& mutex, std::condition_variable& cv, Predicate predicate,
             absl::Duration timeout = absl::Seconds(10)) {
  std::unique_lock<std::mutex> lock(mutex);
  return cv.wait_for(lock, absl::ToChronoMicroseconds(timeout), predicate);
}

// An application attached to the bridge over its own channel. Each invocation runs on a
// thread of its own (a real host must not handle commands on its reading thread, or a
// command that calls back into it could never be read).
class TestHost {
 public:
  using Handler = std::function<void(TestHost& host, const v1::Invocation& invocation)>;

  TestHost(const std::string& address, const std::string& application, const std::string& user,
           int pid, std::vector<v1::Command> commands)
      : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        stub_(v1::HostService::NewStub(channel_)) {
    Authorize(context_);
    stream_ = stub_->Attach(&context_);
    v1::AttachRequest hello;
    hello.mutable_hello()->set_application(application);
    hello.mutable_hello()->set_user(user);
    hello.mutable_hello()->set_pid(pid);
    hello.mutable_hello()->set_display_name(application + " of " + user);
    for (auto& command : commands) *hello.mutable_hello()->add_commands() = std::move(command);
    Write(hello);
    reader_ = std::thread([this] { ReadLoop(); });
  }

  ~TestHost() {
    Close();
    reader_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      workers.swap(workers_);
    }
    for (auto& worker : workers) worker.join();
  }

  void On(const std::string& command, Handler handler) {
    std::lock_guard<std::mutex> lock(mutex_);
    handlers_[command] = std::move(handler);
  }

  // Waits for `attached`; returns the host id.
  std::string WaitAttached() {
    EXPECT_TRUE(WaitFor(mutex_, cv_, [this] { return !id_.empty() || ended_; })) << "no attached";
    std::lock_guard<std::mutex> lock(mutex_);
    return id_;
  }
  int64_t lease_ms() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lease_ms_;
  }

  bool Write(const v1::AttachRequest& request) {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (writes_done_) return false;
    return stream_->Write(request);
  }
  void Reply(const std::string& invocation_id, const json& result) {
    v1::AttachRequest request;
    request.mutable_result()->set_invocation_id(invocation_id);
    service::JsonToValue(result, request.mutable_result()->mutable_result());
    Write(request);
  }
  void Fail(const std::string& invocation_id, int code, const std::string& message) {
    v1::AttachRequest request;
    request.mutable_result()->set_invocation_id(invocation_id);
    request.mutable_result()->mutable_error()->set_code(code);
    request.mutable_result()->mutable_error()->set_message(message);
    Write(request);
  }
  void Progress(const std::string& invocation_id, double fraction, const std::string& message) {
    v1::AttachRequest request;
    request.mutable_progress()->set_invocation_id(invocation_id);
    request.mutable_progress()->set_fraction(fraction);
    request.mutable_progress()->set_message(message);
    Write(request);
  }
  void Heartbeat() {
    v1::AttachRequest request;
    request.mutable_heartbeat();
    Write(request);
  }

  // Ends the session politely.
  void Close() {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (writes_done_) return;
    writes_done_ = true;
    stream_->WritesDone();
  }
  // The process dies: the stream is cancelled under the bridge.
  void Kill() { context_.TryCancel(); }

  // A caller on this host's channel (a host invoking others through the bridge).
  grpc::Status Invoke(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                      absl::Duration timeout = absl::Seconds(10)) {
    grpc::ClientContext context;
    Authorize(context);
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->Invoke(&context, request, response);
  }

  std::vector<v1::Invocation> invocations() {
    std::lock_guard<std::mutex> lock(mutex_);
    return invocations_;
  }
  std::vector<v1::CancelInvocation> cancels() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancels_;
  }
  bool WaitInvocations(size_t n) {
    return WaitFor(mutex_, cv_, [&] { return invocations_.size() >= n; });
  }
  bool WaitCancels(size_t n) { return WaitFor(mutex_, cv_, [&] { return cancels_.size() >= n; }); }
  bool WaitEnded(absl::Duration timeout = absl::Seconds(10)) {
    return WaitFor(mutex_, cv_, [&] { return ended_; }, timeout);
  }
  grpc::Status end_status() {
    std::lock_guard<std::mutex> lock(mutex_);
    return end_status_;
  }
  int heartbeat_acks() {
    std::lock_guard<std::mutex> lock(mutex_);
    return heartbeat_acks_;
  }

 private:
  void ReadLoop() {
    v1::AttachResponse response;
    while (stream_->Read(&response)) {
      std::lock_guard<std::mutex> lock(mutex_);
      switch (response.message_case()) {
        case v1::AttachResponse::kAttached:
          id_ = response.attached().host().id();
          lease_ms_ = response.attached().lease_ms();
          break;
        case v1::AttachResponse::kInvocation: {
          invocations_.push_back(response.invocation());
          auto it = handlers_.find(response.invocation().command());
          if (it != handlers_.end()) {
            workers_.emplace_back([this, handler = it->second, inv = response.invocation()] {
              handler(*this, inv);
            });
          }
          break;
        }
        case v1::AttachResponse::kCancel:
          cancels_.push_back(response.cancel());
          break;
        case v1::AttachResponse::kHeartbeatAck:
          ++heartbeat_acks_;
          break;
        default:
          break;
      }
      cv_.notify_all();
    }
    grpc::Status status;
    {
      std::lock_guard<std::mutex> lock(write_mutex_);
      writes_done_ = true;
      status = stream_->Finish();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    end_status_ = status;
    ended_ = true;
    cv_.notify_all();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::HostService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::AttachRequest, v1::AttachResponse>> stream_;
  std::mutex write_mutex_;
  bool writes_done_ = false;
  std::thread reader_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::string id_;
  int64_t lease_ms_ = 0;
  std::map<std::string, Handler> handlers_;
  std::vector<std::thread> workers_;
  std::vector<v1::Invocation> invocations_;
  std::vector<v1::CancelInvocation> cancels_;
  int heartbeat_acks_ = 0;
  bool ended_ = false;
  grpc::Status end_status_;
};

v1::Command MakeCommand(const std::string& name, const std::string& args_schema = "{}") {
  v1::Command command;
  command.set_name(name);
  JsonToStruct(json::parse(args_schema), command.mutable_args_schema());
  return command;
}

struct ServerOptions {
  absl::Duration lease = absl::Minutes(5);
  absl::Duration default_timeout = absl::Seconds(30);
};

class HostServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pipebridge-hosts-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }

  void StartServer(ServerOptions options = {}) {
    auto db = core::sqlite::Database::Open(dir_ + "/events.db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    auto log = core::events::EventLog::Open(*db_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(log).value();
    core::hosts::HostRegistryOptions registry_options;
    registry_options.lease = options.lease;
    registry_options.lease_check_interval = absl::Milliseconds(20);
    registry_ = std::make_unique<core::hosts::HostRegistry>(registry_options);
    ASSERT_TRUE(table_.AddService(v1::AttachRequest::descriptor()->file()->FindServiceByName("HostService")).ok());
    ASSERT_TRUE(service::RegisterHostService(table_, *registry_, log_.get()).ok());
    std::vector<std::unique_ptr<rpc::Interceptor>> chain;
    chain.push_back(std::make_unique<rpc::AuthInterceptor>(kToken));
    rpc::DeadlinePolicy policy;
    policy.default_timeout = options.default_timeout;
    chain.push_back(std::make_unique<rpc::DeadlineInterceptor>(policy));
    dispatcher_ = std::make_unique<rpc::Dispatcher>(table_, std::move(chain), logger_);
    auto server = grpc_adapter::GrpcServer::Start(*dispatcher_, grpc_adapter::GrpcServerOptions{"127.0.0.1", 0});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::HostService::NewStub(channel_);
  }

  void TearDown() override {
    hosts_.clear();
    if (server_) server_->Shutdown(absl::Seconds(1));
    server_.reset();
    registry_.reset();  // drains the event publisher into the log
    log_.reset();
    db_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  TestHost& AddHost(const std::string& application, const std::string& user, int pid,
                    std::vector<v1::Command> commands) {
    hosts_.push_back(std::make_unique<TestHost>(server_->address(), application, user, pid, std::move(commands)));
    EXPECT_FALSE(hosts_.back()->WaitAttached().empty());
    return *hosts_.back();
  }

  static v1::InvokeRequest ById(const std::string& id, const std::string& command, json args = json::object()) {
    v1::InvokeRequest request;
    request.mutable_host()->set_host_id(id);
    request.set_command(command);
    JsonToStruct(args, request.mutable_args());
    return request;
  }
  static v1::InvokeRequest ByApp(const std::string& application, const std::string& command,
                                 const std::string& user = "") {
    v1::InvokeRequest request;
    request.mutable_host()->mutable_query()->set_application(application);
    request.mutable_host()->mutable_query()->set_user(user);
    request.set_command(command);
    return request;
  }

  grpc::Status Invoke(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                      absl::Duration timeout = absl::Seconds(10), grpc::ClientContext* context = nullptr) {
    grpc::ClientContext local;
    grpc::ClientContext& ctx = context != nullptr ? *context : local;
    Authorize(ctx);
    if (timeout != absl::InfiniteDuration()) ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->Invoke(&ctx, request, response);
  }

  // Events of the host.* topics, polled until `done` holds or 10 s pass.
  std::vector<core::events::Event> HostEvents(
      std::function<bool(const std::vector<core::events::Event>&)> done) {
    std::vector<core::events::Event> events;
    for (int i = 0; i < 500; ++i) {
      core::events::ListOptions options;
      options.topics = {"host.*", "host.invocation.*"};
      auto listed = log_->List(options);
      EXPECT_TRUE(listed.ok()) << listed.status();
      if (listed.ok()) events = listed->events;
      if (done(events)) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return events;
  }

  std::string dir_;
  rpc::Logger logger_{rpc::LogLevel::kError};
  std::unique_ptr<core::sqlite::Database> db_;
  std::unique_ptr<core::events::EventLog> log_;
  std::unique_ptr<core::hosts::HostRegistry> registry_;
  rpc::MethodTable table_;
  std::unique_ptr<rpc::Dispatcher> dispatcher_;
  std::unique_ptr<grpc_adapter::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::HostService::Stub> stub_;
  std::vector<std::unique_ptr<TestHost>> hosts_;
};

// Answers with its own id and the args it got.
void EchoHandler(TestHost& host, const v1::Invocation& invocation) {
  host.Reply(invocation.invocation_id(),
             json{{"host", host.WaitAttached()}, {"args", service::StructToJson(invocation.args())}});
}

TEST_F(HostServiceTest, RoutesByIdAndByApplication) {
  StartServer();
  TestHost& ann = AddHost("maya", "ann", 101, {MakeCommand("echo")});
  TestHost& bob = AddHost("maya", "bob", 102, {MakeCommand("echo")});
  TestHost& nuke = AddHost("nuke", "ann", 103, {MakeCommand("echo")});
  for (TestHost* host : {&ann, &bob, &nuke}) host->On("echo", EchoHandler);
  const std::string ann_id = ann.WaitAttached(), bob_id = bob.WaitAttached(), nuke_id = nuke.WaitAttached();

  v1::InvokeResponse response;
  ASSERT_TRUE(Invoke(ById(bob_id, "echo", {{"n", 1}}), &response).ok());
  EXPECT_EQ(response.host_id(), bob_id);
  EXPECT_EQ(ValueToJson(response.result()), (json{{"host", bob_id}, {"args", {{"n", 1}}}}));

  response.Clear();
  ASSERT_TRUE(Invoke(ByApp("nuke", "echo"), &response).ok());
  EXPECT_EQ(response.host_id(), nuke_id);

  response.Clear();
  ASSERT_TRUE(Invoke(ByApp("maya", "echo", "ann"), &response).ok());
  EXPECT_EQ(response.host_id(), ann_id);

  grpc::Status ambiguous = Invoke(ByApp("maya", "echo"), &response);
  EXPECT_EQ(ambiguous.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(ambiguous.error_message().find(ann_id), std::string::npos) << ambiguous.error_message();
  EXPECT_NE(ambiguous.error_message().find(bob_id), std::string::npos) << ambiguous.error_message();
  EXPECT_EQ(Invoke(ByApp("houdini", "echo"), &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Invoke(ById("host-999", "echo"), &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Invoke(ById(ann_id, "render"), &response).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext context;
  Authorize(context);
  v1::ListHostsRequest list;
  list.set_application("maya");
  v1::ListHostsResponse hosts;
  ASSERT_TRUE(stub_->ListHosts(&context, list, &hosts).ok());
  ASSERT_EQ(hosts.hosts_size(), 2);
  EXPECT_EQ(hosts.hosts(0).id(), ann_id);
  EXPECT_EQ(hosts.hosts(1).user(), "bob");
  EXPECT_EQ(hosts.hosts(1).commands(0).name(), "echo");
}

TEST_F(HostServiceTest, ResultsAndHostErrorsReachTheCaller) {
  StartServer();
  TestHost& host = AddHost("photoshop", "ann", 1, {MakeCommand("nothing"), MakeCommand("broken")});
  host.On("nothing", [](TestHost& h, const v1::Invocation& inv) { h.Reply(inv.invocation_id(), nullptr); });
  host.On("broken", [](TestHost& h, const v1::Invocation& inv) {
    h.Fail(inv.invocation_id(), 9, "no document is open");
  });
  v1::InvokeResponse response;
  ASSERT_TRUE(Invoke(ById(host.WaitAttached(), "nothing"), &response).ok());
  EXPECT_EQ(response.result().kind_case(), google::protobuf::Value::kNullValue)
      << "a null result is an explicit null_value";
  grpc::Status failed = Invoke(ById(host.WaitAttached(), "broken"), &response);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(failed.error_message(), "no document is open");
}

TEST_F(HostServiceTest, InvocationCarriesArgsAndDeadline) {
  StartServer();
  TestHost& host = AddHost("maya", "ann", 1, {MakeCommand("echo")});
  host.On("echo", EchoHandler);
  v1::InvokeResponse response;
  const absl::Time before = absl::Now();
  ASSERT_TRUE(Invoke(ById(host.WaitAttached(), "echo", {{"shot", "sh010"}}), &response, absl::Seconds(7)).ok());
  ASSERT_EQ(host.invocations().size(), 1u);
  const v1::Invocation inv = host.invocations()[0];
  EXPECT_EQ(service::StructToJson(inv.args()), (json{{"shot", "sh010"}}));
  const absl::Time deadline = absl::FromUnixSeconds(inv.deadline().seconds());
  EXPECT_GE(deadline, before + absl::Seconds(5));
  EXPECT_LE(deadline, before + absl::Seconds(9));
}

TEST_F(HostServiceTest, DeadlineExpiryFailsTheCallerAndCancelsOnTheHost) {
  StartServer();
  TestHost& host = AddHost("maya", "ann", 1, {MakeCommand("hang")});  // never answers
  v1::InvokeResponse response;
  const absl::Time start = absl::Now();
  EXPECT_EQ(Invoke(ById(host.WaitAttached(), "hang"), &response, absl::Milliseconds(300)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_TRUE(host.WaitCancels(1)) << "the host was told to stop";
  EXPECT_EQ(host.cancels()[0].invocation_id(), host.invocations()[0].invocation_id());
  EXPECT_EQ(registry_->pending_count(), 0u);
}

TEST_F(HostServiceTest, ServerDefaultDeadlineAppliesWhenTheCallerNamesNone) {
  ServerOptions options;
  options.default_timeout = absl::Milliseconds(300);
  StartServer(options);
  TestHost& host = AddHost("maya", "ann", 1, {MakeCommand("hang")});
  v1::InvokeResponse response;
  const absl::Time start = absl::Now();
  grpc::Status status = Invoke(ById(host.WaitAttached(), "hang"), &response, absl::InfiniteDuration());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_TRUE(host.WaitCancels(1));
  EXPECT_EQ(host.cancels()[0].reason(), "deadline exceeded");
}

TEST_F(HostServiceTest, CallerCancellationReachesTheHost) {
  StartServer();
  TestHost& host = AddHost("nuke", "ann", 1, {MakeCommand("hang")});
  grpc::ClientContext context;
  v1::InvokeResponse response;
  std::thread caller([&] {
    EXPECT_EQ(Invoke(ById(host.WaitAttached(), "hang"), &response, absl::Seconds(30), &context).error_code(),
              grpc::StatusCode::CANCELLED);
  });
  ASSERT_TRUE(host.WaitInvocations(1));
  context.TryCancel();
  caller.join();
  ASSERT_TRUE(host.WaitCancels(1));
  EXPECT_EQ(host.cancels()[0].invocation_id(), host.invocations()[0].invocation_id());
  EXPECT_EQ(host.cancels()[0].reason(), "cancelled");
}

TEST_F(HostServiceTest, HostKilledMidInvocationFailsItsCallersAtOnce) {
  StartServer();
  TestHost& doomed = AddHost("maya", "ann", 1, {MakeCommand("hang")});
  TestHost& other = AddHost("maya", "bob", 2, {MakeCommand("hang"), MakeCommand("echo")});
  other.On("echo", EchoHandler);
  const std::string doomed_id = doomed.WaitAttached();
  std::vector<std::thread> callers;
  std::vector<grpc::StatusCode> codes(2);
  std::vector<absl::Duration> took(2);
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&, i] {
      v1::InvokeResponse response;
      absl::Time start = absl::Now();
      codes[i] = Invoke(ById(doomed_id, "hang"), &response, absl::Seconds(60)).error_code();
      took[i] = absl::Now() - start;
    });
  }
  // A call in flight on the other instance of the application is not affected.
  grpc::ClientContext other_context;
  std::thread other_caller([&] {
    v1::InvokeResponse response;
    EXPECT_EQ(Invoke(ById(other.WaitAttached(), "hang"), &response, absl::Seconds(60), &other_context).error_code(),
              grpc::StatusCode::CANCELLED);
  });
  ASSERT_TRUE(doomed.WaitInvocations(2));
  ASSERT_TRUE(other.WaitInvocations(1));
  doomed.Kill();
  for (auto& caller : callers) caller.join();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(codes[i], grpc::StatusCode::UNAVAILABLE);
    EXPECT_LT(took[i], absl::Seconds(10)) << "failed at once, not at the 60 s deadline";
  }
  EXPECT_EQ(registry_->List("maya").size(), 1u);
  v1::InvokeResponse response;
  EXPECT_TRUE(Invoke(ById(other.WaitAttached(), "echo"), &response).ok());
  EXPECT_TRUE(other.cancels().empty());
  other_context.TryCancel();
  other_caller.join();
}

TEST_F(HostServiceTest, ReentrantHostToHostCallsComplete) {
  StartServer();
  TestHost& a = AddHost("maya", "ann", 1, {MakeCommand("start"), MakeCommand("leaf")});
  TestHost& b = AddHost("photoshop", "ann", 2, {MakeCommand("relay")});
  const std::string a_id = a.WaitAttached(), b_id = b.WaitAttached();
  // A's command calls B; B's command calls back into A; all through the bridge.
  a.On("start", [&](TestHost& self, const v1::Invocation& inv) {
    v1::InvokeResponse response;
    grpc::Status status = self.Invoke(ById(b_id, "relay"), &response);
    if (!status.ok()) return self.Fail(inv.invocation_id(), status.error_code(), status.error_message());
    self.Reply(inv.invocation_id(), json{{"a", "start"}, {"inner", ValueToJson(response.result())}});
  });
  b.On("relay", [&](TestHost& self, const v1::Invocation& inv) {
    v1::InvokeResponse response;
    grpc::Status status = self.Invoke(ById(a_id, "leaf"), &response);
    if (!status.ok()) return self.Fail(inv.invocation_id(), status.error_code(), status.error_message());
    self.Reply(inv.invocation_id(), json{{"b", "relay"}, {"inner", ValueToJson(response.result())}});
  });
  a.On("leaf", [](TestHost& self, const v1::Invocation& inv) { self.Reply(inv.invocation_id(), "leaf"); });

  // Several at once, so transport threads are busy with all of them together.
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      v1::InvokeResponse response;
      grpc::Status status = Invoke(ById(a_id, "start"), &response, absl::Seconds(20));
      EXPECT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(ValueToJson(response.result()),
                (json{{"a", "start"}, {"inner", {{"b", "relay"}, {"inner", "leaf"}}}}));
      if (status.ok()) ++ok;
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), 4);
}

TEST_F(HostServiceTest, SchemaRejectionHappensBeforeTheHostSeesAnything) {
  StartServer();
  TestHost& host = AddHost(
      "photoshop", "ann", 1,
      {MakeCommand("exportLayers",
                   R"({"type":"object","required":["layers"],"additionalProperties":false,
                       "properties":{"layers":{"type":"array","items":{"type":"string"}}}})")});
  host.On("exportLayers", EchoHandler);
  const std::string id = host.WaitAttached();
  v1::InvokeResponse response;
  grpc::Status bad = Invoke(ById(id, "exportLayers", {{"layers", {"bg", "fg", 3}}}), &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message(), "args.layers[2]: expected string, got integer");
  EXPECT_EQ(Invoke(ById(id, "exportLayers", {{"layers", json::array()}, {"dpi", 300}}), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Invoke(ById(id, "exportLayers"), &response).error_message(), "args.layers: required");
  ASSERT_TRUE(Invoke(ById(id, "exportLayers", {{"layers", {"bg"}}}), &response).ok());
  ASSERT_EQ(host.invocations().size(), 1u) << "only the valid invocation reached the host";
  EXPECT_EQ(service::StructToJson(host.invocations()[0].args()), (json{{"layers", {"bg"}}}));
}

TEST_F(HostServiceTest, InvokeStreamSendsProgressThenTheResult) {
  StartServer();
  TestHost& host = AddHost("houdini", "ann", 1, {MakeCommand("cook"), MakeCommand("fail")});
  host.On("cook", [](TestHost& self, const v1::Invocation& inv) {
    for (int i = 1; i <= 3; ++i) self.Progress(inv.invocation_id(), i / 4.0, "frame " + std::to_string(i));
    self.Reply(inv.invocation_id(), json{{"frames", 3}});
  });
  host.On("fail", [](TestHost& self, const v1::Invocation& inv) {
    self.Progress(inv.invocation_id(), 0.1, "starting");
    self.Fail(inv.invocation_id(), 13, "simulation exploded");
  });
  const std::string id = host.WaitAttached();
  {
    grpc::ClientContext context;
    Authorize(context);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::InvokeStreamRequest request;
    request.mutable_host()->set_host_id(id);
    request.set_command("cook");
    auto reader = stub_->InvokeStream(&context, request);
    std::vector<v1::InvokeStreamResponse> messages;
    v1::InvokeStreamResponse message;
    while (reader->Read(&message)) messages.push_back(message);
    ASSERT_TRUE(reader->Finish().ok());
    ASSERT_EQ(messages.size(), 4u);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(messages[i].has_progress());
      EXPECT_EQ(messages[i].progress().message(), "frame " + std::to_string(i + 1));
      EXPECT_DOUBLE_EQ(messages[i].progress().fraction(), (i + 1) / 4.0);
    }
    ASSERT_TRUE(messages[3].has_result());
    EXPECT_EQ(messages[3].result().host_id(), id);
    EXPECT_EQ(ValueToJson(messages[3].result().result()), (json{{"frames", 3}}));
  }
  {
    grpc::ClientContext context;
    Authorize(context);
    v1::InvokeStreamRequest request;
    request.mutable_host()->mutable_query()->set_application("houdini");
    request.set_command("fail");
    auto reader = stub_->InvokeStream(&context, request);
    v1::InvokeStreamResponse message;
    ASSERT_TRUE(reader->Read(&message));
    EXPECT_EQ(message.progress().message(), "starting");
    EXPECT_FALSE(reader->Read(&message));
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_EQ(status.error_message(), "simulation exploded");
  }
}

TEST_F(HostServiceTest, InvokeStreamCancelledByTheCallerCancelsOnTheHost) {
  StartServer();
  TestHost& host = AddHost("houdini", "ann", 1, {MakeCommand("hang")});
  grpc::ClientContext context;
  Authorize(context);
  v1::InvokeStreamRequest request;
  request.mutable_host()->set_host_id(host.WaitAttached());
  request.set_command("hang");
  auto reader = stub_->InvokeStream(&context, request);
  ASSERT_TRUE(host.WaitInvocations(1));
  context.TryCancel();
  v1::InvokeStreamResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(host.WaitCancels(1));
  EXPECT_EQ(host.cancels()[0].invocation_id(), host.invocations()[0].invocation_id());
}

TEST_F(HostServiceTest, SilentHostIsDetachedWhenItsLeaseExpires) {
  ServerOptions options;
  options.lease = absl::Milliseconds(400);
  StartServer(options);
  TestHost& silent = AddHost("unity", "ann", 1, {MakeCommand("hang")});
  TestHost& alive = AddHost("unity", "ann", 2, {MakeCommand("echo")});
  EXPECT_EQ(silent.lease_ms(), 400);
  const std::string silent_id = silent.WaitAttached(), alive_id = alive.WaitAttached();
  std::atomic<bool> stop{false};
  std::thread heartbeats([&] {
    while (!stop) {
      alive.Heartbeat();
      absl::SleepFor(absl::Milliseconds(50));
    }
  });
  v1::InvokeResponse response;
  grpc::Status pending = Invoke(ById(silent_id, "hang"), &response, absl::Seconds(30));
  EXPECT_EQ(pending.error_code(), grpc::StatusCode::UNAVAILABLE) << "the lease ends what is in flight";
  ASSERT_TRUE(silent.WaitEnded());
  EXPECT_EQ(silent.end_status().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(silent.end_status().error_message().find("lease expired"), std::string::npos);
  absl::SleepFor(absl::Milliseconds(600));
  stop = true;
  heartbeats.join();
  auto left = registry_->List("unity");
  ASSERT_EQ(left.size(), 1u) << "the host that heartbeats stays";
  EXPECT_EQ(left[0].id, alive_id);
  EXPECT_GT(alive.heartbeat_acks(), 5);
}

TEST_F(HostServiceTest, AttachNeedsHelloFirst) {
  StartServer();
  auto stub = v1::HostService::NewStub(channel_);
  grpc::ClientContext context;
  Authorize(context);
  auto stream = stub->Attach(&context);
  v1::AttachRequest heartbeat;
  heartbeat.mutable_heartbeat();
  stream->Write(heartbeat);
  v1::AttachResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "the first message of Attach must be hello");
}

TEST_F(HostServiceTest, AttachDetachAndOutcomesAreEvents) {
  StartServer();
  std::string id;
  {
    TestHost host(server_->address(), "nuke", "ann", 7, {MakeCommand("echo"), MakeCommand("broken")});
    host.On("echo", EchoHandler);
    host.On("broken", [](TestHost& h, const v1::Invocation& inv) { h.Fail(inv.invocation_id(), 13, "boom"); });
    id = host.WaitAttached();
    v1::InvokeResponse response;
    ASSERT_TRUE(Invoke(ById(id, "echo"), &response).ok());
    EXPECT_EQ(Invoke(ById(id, "broken"), &response).error_code(), grpc::StatusCode::INTERNAL);
  }  // the host closes its session
  auto events = HostEvents([](const auto& e) { return e.size() >= 4; });
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].topic, "host.attached");
  EXPECT_EQ(events[0].payload["application"], "nuke");
  EXPECT_EQ(events[0].user, "ann");
  EXPECT_EQ(events[1].topic, "host.invocation.completed");
  EXPECT_EQ(events[1].payload["command"], "echo");
  EXPECT_EQ(events[2].topic, "host.invocation.failed");
  EXPECT_EQ(events[2].payload["status"], "INTERNAL");
  EXPECT_EQ(events[2].payload["message"], "boom");
  EXPECT_EQ(events[3].topic, "host.detached");
  EXPECT_EQ(events[3].payload["reason"], "the host ended its session");
  for (const auto& event : events) EXPECT_EQ(event.source_host, id) << event.topic;
}

}  // namespace
}  // namespace pipebridge
