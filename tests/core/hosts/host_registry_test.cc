// HostRegistry without a transport: selection, routing, validation before delivery,
// completion, progress, cancel, deadlines and leases under an injected clock, detach.
#include "bridge/core/hosts/host_registry.h"

#include <gtest/gtest.h>

#include <optional>

namespace pipebridge::core::hosts {
namespace {

using nlohmann::json;

// Records what the registry delivers to one host.
class FakeSink : public HostSink {
 public:
  void SendInvocation(const Invocation& invocation) override {
    std::lock_guard<std::mutex> lock(mutex);
    invocations.push_back(invocation);
  }
  void SendCancel(const std::string& invocation_id, const std::string& reason) override {
    std::lock_guard<std::mutex> lock(mutex);
    cancels.emplace_back(invocation_id, reason);
  }
  void Close(const absl::Status& status) override {
    std::lock_guard<std::mutex> lock(mutex);
    closed = status;
  }
  std::mutex mutex;
  std::vector<Invocation> invocations;
  std::vector<std::pair<std::string, std::string>> cancels;
  std::optional<absl::Status> closed;
};

// Collects one invocation's callbacks.
struct Outcome {
  std::vector<InvocationProgress> progress;
  std::optional<absl::StatusOr<json>> result;
  InvocationCallbacks Callbacks() {
    return {[this](const InvocationProgress& p) { progress.push_back(p); },
            [this](InvocationOutcome o) {
              EXPECT_FALSE(result.has_value()) << "on_done called twice";
              result = std::move(o.value);
            }};
  }
};

class RecordingListener : public HostRegistryListener {
 public:
  void OnAttached(const HostRecord& host) override { log.push_back("attached " + host.id); }
  void OnDetached(const HostRecord& host, const std::string& reason) override {
    log.push_back("detached " + host.id + ": " + reason);
  }
  void OnInvocationFinished(const InvocationReport& report) override {
    log.push_back("finished " + report.invocation_id + " " +
                  std::string(absl::StatusCodeToString(report.status.code())));
  }
  std::vector<std::string> log;
};

class HostRegistryTest : public ::testing::Test {
 protected:
  HostRegistryTest() {
    HostRegistryOptions options;
    options.clock = [this] { return now_; };
    options.background_expiry = false;
    options.lease = absl::Seconds(30);
    registry_ = std::make_unique<HostRegistry>(options);
    registry_->SetListener(listener_);
  }

  std::string Attach(const std::string& application, const std::string& user, int pid,
                     std::shared_ptr<FakeSink> sink, const std::string& session = "") {
    HostInfo info;
    info.application = application;
    info.user = user;
    info.pid = pid;
    info.session_id = session;
    info.display_name = application + " " + std::to_string(pid);
    CommandSpec echo;
    echo.name = "echo";
    CommandSpec export_layers;
    export_layers.name = "exportLayers";
    export_layers.args_schema = json::parse(
        R"({"type":"object","required":["layers"],"properties":{"layers":{"type":"array","items":{"type":"string"}}}})");
    auto host = registry_->Attach(info, {echo, export_layers}, std::move(sink));
    EXPECT_TRUE(host.ok()) << host.status();
    return host.ok() ? host->id : "";
  }

  InvokeParams Params(HostSelector selector, const std::string& command, json args = json::object()) {
    InvokeParams params;
    params.host = std::move(selector);
    params.command = command;
    params.args = std::move(args);
    params.deadline = now_ + absl::Seconds(10);
    return params;
  }
  static HostSelector ById(const std::string& id) {
    HostSelector s;
    s.host_id = id;
    return s;
  }
  static HostSelector ByApp(const std::string& app) {
    HostSelector s;
    s.application = app;
    return s;
  }

  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  std::shared_ptr<RecordingListener> listener_ = std::make_shared<RecordingListener>();
  std::unique_ptr<HostRegistry> registry_;
};

TEST_F(HostRegistryTest, AttachAssignsDistinctIdsAndListsByApplication) {
  auto a = std::make_shared<FakeSink>(), b = std::make_shared<FakeSink>(), c = std::make_shared<FakeSink>();
  std::string maya1 = Attach("Maya", "ann", 1, a);
  std::string maya2 = Attach("maya", "bob", 2, b);
  std::string nuke = Attach("nuke", "ann", 3, c);
  EXPECT_NE(maya1, maya2);
  EXPECT_NE(maya2, nuke);
  auto mayas = registry_->List("maya");
  ASSERT_EQ(mayas.size(), 2u);
  EXPECT_EQ(mayas[0].id, maya1);
  EXPECT_EQ(mayas[0].info.application, "maya") << "application names are lower case";
  EXPECT_EQ(registry_->List().size(), 3u);
  EXPECT_EQ(listener_->log.front(), "attached " + maya1);
}

TEST_F(HostRegistryTest, AttachRefusesBadCommands) {
  CommandSpec a;
  a.name = "a";
  EXPECT_EQ(registry_->Attach(HostInfo{}, {}, std::make_shared<FakeSink>()).status().code(),
            absl::StatusCode::kInvalidArgument);
  HostInfo info;
  info.application = "maya";
  auto twice = registry_->Attach(info, {a, a}, std::make_shared<FakeSink>());
  EXPECT_EQ(twice.status().message(), "commands[1].name: \"a\" is declared twice");
  a.args_schema = json::parse(R"({"type":"word"})");
  EXPECT_EQ(registry_->Attach(info, {a}, std::make_shared<FakeSink>()).status().message(),
            "commands[0].args_schema.type: expected a JSON type name or a list of them");
}

TEST_F(HostRegistryTest, SelectsByIdOrByUniqueQuery) {
  std::string ann = Attach("maya", "ann", 1, std::make_shared<FakeSink>(), "s1");
  std::string bob = Attach("maya", "bob", 2, std::make_shared<FakeSink>(), "s2");
  EXPECT_EQ(registry_->Select(ById(bob))->id, bob);
  EXPECT_EQ(registry_->Select(ById("host-999")).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->Select(ByApp("houdini")).status().code(), absl::StatusCode::kNotFound);

  auto ambiguous = registry_->Select(ByApp("maya"));
  EXPECT_EQ(ambiguous.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ambiguous.status().message().find(ann), absl::string_view::npos) << ambiguous.status();
  EXPECT_NE(ambiguous.status().message().find(bob), absl::string_view::npos) << ambiguous.status();

  HostSelector by_user = ByApp("maya");
  by_user.user = "ann";
  EXPECT_EQ(registry_->Select(by_user)->id, ann);
  HostSelector by_pid = ByApp("maya");
  by_pid.pid = 2;
  EXPECT_EQ(registry_->Select(by_pid)->id, bob);
  HostSelector by_session = ByApp("maya");
  by_session.session_id = "s1";
  EXPECT_EQ(registry_->Select(by_session)->id, ann);
  by_session.user = "bob";
  auto none = registry_->Select(by_session);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(), "no maya host is attached matching user=bob session_id=s1");
  EXPECT_EQ(registry_->Select(HostSelector{}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HostRegistryTest, InvokeDeliversToTheHostAndCompletesTheCaller) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("photoshop", "ann", 1, sink);
  Outcome outcome;
  auto params = Params(ById(id), "exportLayers", json::parse(R"({"layers":["bg"]})"));
  params.caller_host = "host-77";
  auto started = registry_->Invoke(params, outcome.Callbacks());
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->host_id, id);
  ASSERT_EQ(sink->invocations.size(), 1u);
  const Invocation& inv = sink->invocations[0];
  EXPECT_EQ(inv.invocation_id, started->invocation_id);
  EXPECT_EQ(inv.command, "exportLayers");
  EXPECT_EQ(inv.args, json::parse(R"({"layers":["bg"]})"));
  EXPECT_EQ(inv.deadline, now_ + absl::Seconds(10));
  EXPECT_EQ(inv.caller_host, "host-77");
  EXPECT_FALSE(outcome.result.has_value());
  EXPECT_EQ(registry_->pending_count(), 1u);

  ASSERT_TRUE(registry_->Progress(id, {inv.invocation_id, 0.5, "half", json::object()}).ok());
  ASSERT_EQ(outcome.progress.size(), 1u);
  EXPECT_EQ(outcome.progress[0].message, "half");

  EXPECT_EQ(registry_->Complete("host-other", inv.invocation_id, json(1)).code(),
            absl::StatusCode::kNotFound)
      << "only the host that runs it may answer";
  ASSERT_TRUE(registry_->Complete(id, inv.invocation_id, json::parse(R"({"files":2})")).ok());
  ASSERT_TRUE(outcome.result.has_value());
  ASSERT_TRUE(outcome.result->ok());
  EXPECT_EQ(**outcome.result, json::parse(R"({"files":2})"));
  EXPECT_EQ(registry_->pending_count(), 0u);
  EXPECT_EQ(registry_->Complete(id, inv.invocation_id, json(1)).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->Progress(id, {inv.invocation_id, 1, "", json::object()}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(listener_->log.back(), "finished " + inv.invocation_id + " OK");
}

TEST_F(HostRegistryTest, HostErrorReachesTheCallerWithItsCode) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("nuke", "ann", 1, sink);
  Outcome outcome;
  ASSERT_TRUE(registry_->Invoke(Params(ById(id), "echo"), outcome.Callbacks()).ok());
  ASSERT_TRUE(registry_
                  ->Complete(id, sink->invocations[0].invocation_id,
                             absl::FailedPreconditionError("no script open"))
                  .ok());
  EXPECT_EQ(outcome.result->status(), absl::FailedPreconditionError("no script open"));
}

TEST_F(HostRegistryTest, SchemaViolationsNeverReachTheHost) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("photoshop", "ann", 1, sink);
  Outcome outcome;
  auto started = registry_->Invoke(Params(ById(id), "exportLayers", json::parse(R"({"layers":["a","b",7]})")),
                                   outcome.Callbacks());
  EXPECT_EQ(started.status(), absl::InvalidArgumentError("args.layers[2]: expected string, got integer"));
  auto missing = registry_->Invoke(Params(ById(id), "exportLayers"), outcome.Callbacks());
  EXPECT_EQ(missing.status(), absl::InvalidArgumentError("args.layers: required"));
  auto unknown = registry_->Invoke(Params(ById(id), "render"), outcome.Callbacks());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("echo, exportLayers"), absl::string_view::npos);
  EXPECT_TRUE(sink->invocations.empty());
  EXPECT_FALSE(outcome.result.has_value()) << "no callback on a refused invocation";
  EXPECT_EQ(registry_->pending_count(), 0u);
}

TEST_F(HostRegistryTest, InvokeNeedsADeadline) {
  std::string id = Attach("maya", "ann", 1, std::make_shared<FakeSink>());
  Outcome outcome;
  auto params = Params(ById(id), "echo");
  params.deadline = absl::InfiniteFuture();
  EXPECT_EQ(registry_->Invoke(params, outcome.Callbacks()).status().code(),
            absl::StatusCode::kInvalidArgument);
  params.deadline = now_ - absl::Seconds(1);
  EXPECT_EQ(registry_->Invoke(params, outcome.Callbacks()).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(HostRegistryTest, CancelFailsTheCallerAndReachesTheHost) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("maya", "ann", 1, sink);
  Outcome outcome;
  auto started = registry_->Invoke(Params(ById(id), "echo"), outcome.Callbacks());
  ASSERT_TRUE(started.ok());
  registry_->Cancel(started->invocation_id, "cancelled");
  EXPECT_EQ(outcome.result->status().code(), absl::StatusCode::kCancelled);
  ASSERT_EQ(sink->cancels.size(), 1u);
  EXPECT_EQ(sink->cancels[0], std::make_pair(started->invocation_id, std::string("cancelled")));
  // A late answer is refused and changes nothing.
  EXPECT_EQ(registry_->Complete(id, started->invocation_id, json(1)).code(), absl::StatusCode::kNotFound);
  registry_->Cancel(started->invocation_id, "cancelled");
  EXPECT_EQ(sink->cancels.size(), 1u) << "cancelling twice sends one cancel";
}

TEST_F(HostRegistryTest, DeadlineFailsTheCallerAndCancelsOnTheHost) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("maya", "ann", 1, sink);
  Outcome early, late;
  auto params = Params(ById(id), "echo");
  params.deadline = now_ + absl::Seconds(1);
  auto first = registry_->Invoke(params, early.Callbacks());
  params.deadline = now_ + absl::Seconds(5);
  auto second = registry_->Invoke(params, late.Callbacks());
  ASSERT_TRUE(first.ok() && second.ok());
  now_ += absl::Seconds(2);
  registry_->Expire();
  ASSERT_TRUE(early.result.has_value());
  EXPECT_EQ(early.result->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(late.result.has_value()) << "the later deadline has not passed";
  ASSERT_EQ(sink->cancels.size(), 1u);
  EXPECT_EQ(sink->cancels[0], std::make_pair(first->invocation_id, std::string("deadline exceeded")));
  registry_.reset();  // fails `late` while it still exists
  EXPECT_EQ(late.result->status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HostRegistryTest, AHostsErrorAfterTheDeadlineReachesTheCallerAsDeadlineExceeded) {
  // The host's SDK cancelled its handler at the deadline and answered before Expire ran.
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("unity", "ann", 1, sink);
  Outcome gave_up, failed_in_time;
  auto params = Params(ById(id), "echo");
  params.deadline = now_ + absl::Seconds(1);
  auto late = registry_->Invoke(params, gave_up.Callbacks());
  params.deadline = now_ + absl::Seconds(5);
  auto early = registry_->Invoke(params, failed_in_time.Callbacks());
  ASSERT_TRUE(late.ok() && early.ok());
  now_ += absl::Seconds(2);
  ASSERT_TRUE(registry_->Complete(id, late->invocation_id, absl::CancelledError("A task was canceled.")).ok());
  ASSERT_TRUE(gave_up.result.has_value());
  EXPECT_EQ(gave_up.result->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(gave_up.result->status().message(), "host " + id + " did not answer echo within the deadline");
  // Before its deadline a host's error is the caller's to see as it is.
  ASSERT_TRUE(registry_->Complete(id, early->invocation_id, absl::CancelledError("A task was canceled.")).ok());
  ASSERT_TRUE(failed_in_time.result.has_value());
  EXPECT_EQ(failed_in_time.result->status().code(), absl::StatusCode::kCancelled);
}

TEST_F(HostRegistryTest, DetachFailsEveryInFlightInvocationAtOnce) {
  auto sink = std::make_shared<FakeSink>(), other = std::make_shared<FakeSink>();
  std::string id = Attach("maya", "ann", 1, sink);
  std::string other_id = Attach("maya", "bob", 2, other);
  Outcome a, b, c;
  ASSERT_TRUE(registry_->Invoke(Params(ById(id), "echo"), a.Callbacks()).ok());
  ASSERT_TRUE(registry_->Invoke(Params(ById(id), "echo"), b.Callbacks()).ok());
  ASSERT_TRUE(registry_->Invoke(Params(ById(other_id), "echo"), c.Callbacks()).ok());
  registry_->Detach(id, "the host's stream ended");
  ASSERT_TRUE(a.result.has_value() && b.result.has_value());
  EXPECT_EQ(a.result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(b.result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(a.result->status().message().find("the host's stream ended"), absl::string_view::npos);
  EXPECT_FALSE(c.result.has_value()) << "another instance of the application is independent";
  EXPECT_FALSE(sink->closed.has_value()) << "the transport asked for this detach";
  EXPECT_EQ(registry_->List("maya").size(), 1u);
  EXPECT_EQ(listener_->log.back(), "detached " + id + ": the host's stream ended");
  registry_.reset();  // fails `c` while it still exists
}

TEST_F(HostRegistryTest, SilentHostIsDetachedAfterItsLease) {
  auto quiet = std::make_shared<FakeSink>(), chatty = std::make_shared<FakeSink>();
  std::string quiet_id = Attach("unity", "ann", 1, quiet);
  std::string chatty_id = Attach("unity", "ann", 2, chatty);
  Outcome outcome;
  auto params = Params(ById(quiet_id), "echo");
  params.deadline = now_ + absl::Hours(1);
  ASSERT_TRUE(registry_->Invoke(params, outcome.Callbacks()).ok());
  now_ += absl::Seconds(20);
  ASSERT_TRUE(registry_->Touch(chatty_id).ok());
  registry_->Expire();
  EXPECT_EQ(registry_->List().size(), 2u) << "within the lease";
  now_ += absl::Seconds(15);
  registry_->Expire();
  auto left = registry_->List();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, chatty_id);
  ASSERT_TRUE(quiet->closed.has_value());
  EXPECT_EQ(quiet->closed->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(quiet->closed->message().find("lease expired"), absl::string_view::npos);
  ASSERT_TRUE(outcome.result.has_value());
  EXPECT_EQ(outcome.result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(registry_->Touch(quiet_id).code(), absl::StatusCode::kNotFound);
}

TEST_F(HostRegistryTest, ReplaceCommandsChangesWhatCanBeInvoked) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("houdini", "ann", 1, sink);
  CommandSpec cook;
  cook.name = "cook";
  ASSERT_TRUE(registry_->ReplaceCommands(id, {cook}).ok());
  Outcome outcome;
  EXPECT_EQ(registry_->Invoke(Params(ById(id), "echo"), outcome.Callbacks()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(registry_->Invoke(Params(ById(id), "cook"), outcome.Callbacks()).ok());
  EXPECT_EQ(registry_->ReplaceCommands("host-404", {}).code(), absl::StatusCode::kNotFound);
  registry_.reset();  // fails the cook invocation while `outcome` still exists
}

TEST_F(HostRegistryTest, DestructionFailsWhatIsInFlight) {
  auto sink = std::make_shared<FakeSink>();
  std::string id = Attach("maya", "ann", 1, sink);
  Outcome outcome;
  ASSERT_TRUE(registry_->Invoke(Params(ById(id), "echo"), outcome.Callbacks()).ok());
  registry_.reset();
  ASSERT_TRUE(outcome.result.has_value());
  EXPECT_EQ(outcome.result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(sink->closed.has_value());
}

TEST(HostRegistryBackgroundTest, DeadlinePassesWithoutAnyoneCallingExpire) {
  HostRegistry registry;  // real clock, background expiry
  auto sink = std::make_shared<FakeSink>();
  HostInfo info;
  info.application = "maya";
  CommandSpec echo;
  echo.name = "echo";
  auto host = registry.Attach(info, {echo}, sink);
  ASSERT_TRUE(host.ok());
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<absl::Status> result;
  InvokeParams params;
  params.host.host_id = host->id;
  params.command = "echo";
  params.deadline = absl::Now() + absl::Milliseconds(50);
  ASSERT_TRUE(registry
                  .Invoke(params, {nullptr,
                                   [&](InvocationOutcome o) {
                                     std::lock_guard<std::mutex> lock(mutex);
                                     result = o.value.status();
                                     cv.notify_all();
                                   }})
                  .ok());
  std::unique_lock<std::mutex> lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return result.has_value(); }));
  EXPECT_EQ(result->code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace pipebridge::core::hosts
