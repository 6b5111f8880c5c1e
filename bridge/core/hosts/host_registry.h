// Attached hosts (application instances offering commands) and the invocations routed to
// them. The transport gives each host a HostSink; the registry delivers invocations and
// cancels through it and reports outcomes to the caller's callbacks. It never waits for a
// host: an invocation is a pending entry completed later by the host's answer, its
// deadline, a cancel or the host's detach, whichever comes first.
//
// Threads: every method may be called from any thread. The registry never calls a sink, a
// caller's callback or the listener while holding its lock, so any of them may call back
// into the registry.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::hosts {

// A command a host offers.
struct CommandSpec {
  std::string name;  // Dotted, e.g. "photoshop.exportLayers".
  std::string title;
  std::string description;
  nlohmann::json args_schema = nlohmann::json::object();    // Checked before the host sees args.
  nlohmann::json result_schema = nlohmann::json::object();  // Documentation for callers.
};

// Who a host says it is (the hello).
struct HostInfo {
  std::string application;  // Lower case: "maya", "photoshop"...
  std::string application_version;
  int32_t pid = 0;
  std::string session_id;
  std::string user;
  std::string display_name;
};

// An attached host as the registry knows it.
struct HostRecord {
  std::string id;  // "host-7": unique for the registry's lifetime.
  HostInfo info;
  std::vector<CommandSpec> commands;
  absl::Time attached_at;
  absl::Time last_seen;
};

// What the host receives to run.
struct Invocation {
  std::string invocation_id;  // "inv-42": unique for the registry's lifetime.
  std::string command;
  nlohmann::json args = nlohmann::json::object();  // Already validated.
  absl::Time deadline = absl::InfiniteFuture();
  std::string caller_host;  // Host id of the caller when it is an attached host.
};

struct InvocationProgress {
  std::string invocation_id;
  double fraction = -1;  // 0..1 when known, else -1.
  std::string message;
  nlohmann::json data = nlohmann::json::object();
};

// The transport side of one attached host. Called from any thread, never under the
// registry's lock; must not block (queue and return).
class HostSink {
 public:
  virtual ~HostSink() = default;
  virtual void SendInvocation(const Invocation& invocation) = 0;
  // The caller gave up: reason is "cancelled" or "deadline exceeded".
  virtual void SendCancel(const std::string& invocation_id, const std::string& reason) = 0;
  // The registry detached the host on its own (lease expired, shutdown): end the session
  // with `status`. Not called when the transport asked for the detach.
  virtual void Close(const absl::Status& status) = 0;
};

// How an invocation ended, as the caller learns it.
struct InvocationOutcome {
  std::string invocation_id;
  std::string host_id;  // The host that ran (or was to run) it.
  // The result (any JSON value, null included) or the failure: the host's error as its
  // code and message, UNAVAILABLE when the host detached, DEADLINE_EXCEEDED, CANCELLED.
  absl::StatusOr<nlohmann::json> value;
};

// The caller's side of one invocation.
struct InvocationCallbacks {
  // Optional; progress the host reports, in order, never after on_done.
  std::function<void(const InvocationProgress&)> on_progress;
  // Exactly once, from any thread (possibly before Invoke returns).
  std::function<void(InvocationOutcome)> on_done;
};

// Which host runs an invocation: by id, or the one host matching the query.
struct HostSelector {
  std::string host_id;       // When set, the query is ignored.
  std::string application;   // Required without host_id.
  std::string user;          // Optional narrowing...
  std::string session_id;
  int32_t pid = 0;
};

struct InvokeParams {
  HostSelector host;
  std::string command;
  nlohmann::json args = nlohmann::json::object();
  absl::Time deadline = absl::InfiniteFuture();  // Required: InfiniteFuture is refused.
  std::string caller_host;
};

struct InvocationStarted {
  std::string invocation_id;
  std::string host_id;
};

// What happened to an invocation, for the event log.
struct InvocationReport {
  std::string invocation_id;
  std::string host_id;
  std::string application;
  std::string user;  // The host's user.
  std::string command;
  std::string caller_host;
  absl::Status status;  // OK when the host returned a result.
  absl::Duration duration;
};

// Told about attaches, detaches and every invocation's outcome; calls come in the order
// the registry saw them for one host, from any thread, never under the registry's lock.
class HostRegistryListener {
 public:
  virtual ~HostRegistryListener() = default;
  virtual void OnAttached(const HostRecord& host) {}
  virtual void OnDetached(const HostRecord& host, const std::string& reason) {}
  virtual void OnInvocationFinished(const InvocationReport& report) {}
};

struct HostRegistryOptions {
  // A host from which nothing arrived for this long is detached. Long, so a host busy
  // for minutes in a modal dialog or a long command survives.
  absl::Duration lease = absl::Minutes(5);
  // Time source (default absl::Now); tests inject one and call Expire() themselves.
  std::function<absl::Time()> clock;
  // Runs a thread that fails invocations at their deadline and detaches expired hosts.
  // Tests with an injected clock turn it off and call Expire().
  bool background_expiry = true;
  // The largest gap between lease checks of the background thread.
  absl::Duration lease_check_interval = absl::Seconds(1);
};

class HostRegistry {
 public:
  explicit HostRegistry(HostRegistryOptions options = {});
  // Detaches every host (their in-flight invocations fail with UNAVAILABLE).
  ~HostRegistry();
  HostRegistry(const HostRegistry&) = delete;
  HostRegistry& operator=(const HostRegistry&) = delete;

  // Set once, before hosts attach; shared so it lives as long as the registry uses it.
  void SetListener(std::shared_ptr<HostRegistryListener> listener);

  absl::Duration lease() const { return options_.lease; }

  // Attaches a host. INVALID_ARGUMENT naming the field for an empty or upper-case
  // application, duplicate or unnamed commands, or an unusable schema.
  absl::StatusOr<HostRecord> Attach(HostInfo info, std::vector<CommandSpec> commands,
                                    std::shared_ptr<HostSink> sink);
  // Replaces the host's commands (same checks). NOT_FOUND for an unknown host.
  absl::Status ReplaceCommands(const std::string& host_id, std::vector<CommandSpec> commands);
  // Renews the lease (any message from the host does). NOT_FOUND for an unknown host.
  absl::Status Touch(const std::string& host_id);
  // Detaches the host: its in-flight invocations fail with UNAVAILABLE naming `reason` at
  // once. No-op for an unknown (already detached) host. The sink is not called.
  void Detach(const std::string& host_id, const std::string& reason);

  // Attached hosts, optionally of one application, in attach order.
  std::vector<HostRecord> List(const std::string& application = "") const;
  absl::StatusOr<HostRecord> Get(const std::string& host_id) const;
  // NOT_FOUND when no host matches; FAILED_PRECONDITION naming the candidates when
  // several do; INVALID_ARGUMENT when the selector names neither id nor application.
  absl::StatusOr<HostRecord> Select(const HostSelector& selector) const;

  // Routes an invocation: selects the host, checks the command exists and `args` satisfy
  // its args_schema (INVALID_ARGUMENT "args.x[2]: expected string, got number"), then
  // sends it to the host. On error nothing was sent and `callbacks` are never called;
  // otherwise on_done is called exactly once.
  absl::StatusOr<InvocationStarted> Invoke(InvokeParams params, InvocationCallbacks callbacks);

  // The host's answer. NOT_FOUND when the invocation is unknown to this host (finished,
  // cancelled or expired before the answer came: the host may ignore it).
  absl::Status Complete(const std::string& host_id, const std::string& invocation_id,
                        absl::StatusOr<nlohmann::json> outcome);
  // Progress from the host, to the caller's on_progress. NOT_FOUND as for Complete.
  absl::Status Progress(const std::string& host_id, const InvocationProgress& progress);
  // The caller gives up: fails the invocation with CANCELLED (or DEADLINE_EXCEEDED when
  // `reason` is "deadline exceeded") and sends the host a cancel. No-op when it is over.
  void Cancel(const std::string& invocation_id, const std::string& reason);

  // Fails invocations past their deadline (DEADLINE_EXCEEDED, the host gets a cancel) and
  // detaches hosts past their lease. The background thread calls it; tests may too.
  void Expire();

  size_t pending_count() const;

 private:
  struct Host;
  struct Pending;

  absl::Time Now() const;
  void ExpiryLoop();
  // Removes the pending invocation (under the lock); null when it is already over.
  std::shared_ptr<Pending> TakePendingLocked(const std::string& invocation_id);
  void Finish(const std::shared_ptr<Pending>& pending, absl::StatusOr<nlohmann::json> outcome);
  // What the caller of an invocation whose deadline passed is told.
  static absl::Status DeadlineExceeded(const Pending& pending);
  // Removes the host and takes its pending invocations (under the lock).
  std::shared_ptr<Host> RemoveHostLocked(const std::string& host_id,
                                         std::vector<std::shared_ptr<Pending>>* pending);
  void FailDetached(const std::shared_ptr<Host>& host,
                    std::vector<std::shared_ptr<Pending>> pending, const std::string& reason);

  const HostRegistryOptions options_;
  std::shared_ptr<HostRegistryListener> listener_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int64_t next_host_ = 1;
  int64_t next_invocation_ = 1;
  std::map<int64_t, std::shared_ptr<Host>> hosts_by_order_;
  absl::flat_hash_map<std::string, std::shared_ptr<Host>> hosts_;
  absl::flat_hash_map<std::string, std::shared_ptr<Pending>> pending_;
  std::multimap<absl::Time, std::string> deadlines_;
  std::thread expiry_;
};

}  // namespace pipebridge::core::hosts
