#include "bridge/core/hosts/host_registry.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/hosts/json_schema.h"

namespace pipebridge::core::hosts {

struct HostRegistry::Host {
  HostRecord record;
  int64_t order = 0;
  std::shared_ptr<HostSink> sink;
  absl::flat_hash_set<std::string> pending;  // Invocation ids in flight on this host.
};

struct HostRegistry::Pending {
  std::string id;
  std::string host_id;
  std::string application;
  std::string user;
  std::string command;
  std::string caller_host;
  absl::Time deadline;
  absl::Time started;
  std::shared_ptr<HostSink> sink;
  // Serializes the caller's callbacks, so progress never follows on_done.
  std::mutex callback_mutex;
  bool done = false;
  InvocationCallbacks callbacks;
};

namespace {

absl::Status CheckCommands(const std::vector<CommandSpec>& commands) {
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < commands.size(); ++i) {
    const CommandSpec& command = commands[i];
    const std::string where = absl::StrCat("commands[", i, "]");
    if (command.name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".name: a command needs a name"));
    }
    if (!names.insert(command.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".name: \"", command.name, "\" is declared twice"));
    }
    absl::Status schema = CheckSchema(command.args_schema, absl::StrCat(where, ".args_schema"));
    if (!schema.ok()) return schema;
  }
  return absl::OkStatus();
}

std::string Describe(const HostRecord& host) {
  return absl::StrCat(host.id, " (", host.info.display_name.empty() ? host.info.application
                                                                    : host.info.display_name,
                      ", pid ", host.info.pid, ", user ", host.info.user.empty() ? "?" : host.info.user,
                      host.info.session_id.empty() ? "" : ", session ", host.info.session_id, ")");
}

}  // namespace

HostRegistry::HostRegistry(HostRegistryOptions options) : options_(std::move(options)) {
  if (options_.background_expiry) expiry_ = std::thread([this] { ExpiryLoop(); });
}

HostRegistry::~HostRegistry() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (expiry_.joinable()) expiry_.join();
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [order, host] : hosts_by_order_) ids.push_back(host->record.id);
  }
  for (const auto& id : ids) {
    std::vector<std::shared_ptr<Pending>> pending;
    std::shared_ptr<Host> host;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      host = RemoveHostLocked(id, &pending);
    }
    if (host == nullptr) continue;
    FailDetached(host, std::move(pending), "the bridge is shutting down");
    host->sink->Close(absl::UnavailableError("the bridge is shutting down"));
  }
}

void HostRegistry::SetListener(std::shared_ptr<HostRegistryListener> listener) {
  std::lock_guard<std::mutex> lock(mutex_);
  listener_ = std::move(listener);
}

absl::Time HostRegistry::Now() const { return options_.clock ? options_.clock() : absl::Now(); }

absl::StatusOr<HostRecord> HostRegistry::Attach(HostInfo info, std::vector<CommandSpec> commands,
                                                std::shared_ptr<HostSink> sink) {
  absl::AsciiStrToLower(&info.application);
  if (info.application.empty()) {
    return absl::InvalidArgumentError("hello.application: a host must name its application");
  }
  if (absl::Status status = CheckCommands(commands); !status.ok()) return status;
  auto host = std::make_shared<Host>();
  host->record.info = std::move(info);
  host->record.commands = std::move(commands);
  host->sink = std::move(sink);
  std::shared_ptr<HostRegistryListener> listener;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    host->order = next_host_++;
    host->record.id = absl::StrCat("host-", host->order);
    host->record.attached_at = host->record.last_seen = Now();
    hosts_[host->record.id] = host;
    hosts_by_order_[host->order] = host;
    listener = listener_;
  }
  if (listener) listener->OnAttached(host->record);
  return host->record;
}

absl::Status HostRegistry::ReplaceCommands(const std::string& host_id,
                                           std::vector<CommandSpec> commands) {
  if (absl::Status status = CheckCommands(commands); !status.ok()) return status;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = hosts_.find(host_id);
  if (it == hosts_.end()) return absl::NotFoundError(absl::StrCat("no host ", host_id, " is attached"));
  it->second->record.commands = std::move(commands);
  it->second->record.last_seen = Now();
  return absl::OkStatus();
}

absl::Status HostRegistry::Touch(const std::string& host_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = hosts_.find(host_id);
  if (it == hosts_.end()) return absl::NotFoundError(absl::StrCat("no host ", host_id, " is attached"));
  it->second->record.last_seen = Now();
  return absl::OkStatus();
}

std::shared_ptr<HostRegistry::Host> HostRegistry::RemoveHostLocked(
    const std::string& host_id, std::vector<std::shared_ptr<Pending>>* pending) {
  auto it = hosts_.find(host_id);
  if (it == hosts_.end()) return nullptr;
  std::shared_ptr<Host> host = it->second;
  hosts_.erase(it);
  hosts_by_order_.erase(host->order);
  for (const auto& id : host->pending) {
    auto p = pending_.find(id);
    if (p == pending_.end()) continue;
    pending->push_back(p->second);
    pending_.erase(p);
  }
  host->pending.clear();
  return host;
}

void HostRegistry::FailDetached(const std::shared_ptr<Host>& host,
                                std::vector<std::shared_ptr<Pending>> pending,
                                const std::string& reason) {
  std::shared_ptr<HostRegistryListener> listener;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    listener = listener_;
  }
  const std::string label = host->record.info.application;
  for (const auto& p : pending) {
    Finish(p, absl::UnavailableError(absl::StrCat("host ", host->record.id, " (", label,
                                                  ") detached before answering ", p->command,
                                                  ": ", reason)));
  }
  if (listener) listener->OnDetached(host->record, reason);
}

void HostRegistry::Detach(const std::string& host_id, const std::string& reason) {
  std::vector<std::shared_ptr<Pending>> pending;
  std::shared_ptr<Host> host;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    host = RemoveHostLocked(host_id, &pending);
  }
  if (host != nullptr) FailDetached(host, std::move(pending), reason);
}

std::vector<HostRecord> HostRegistry::List(const std::string& application) const {
  const std::string wanted = absl::AsciiStrToLower(application);
  std::vector<HostRecord> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [order, host] : hosts_by_order_) {
    if (wanted.empty() || host->record.info.application == wanted) out.push_back(host->record);
  }
  return out;
}

absl::StatusOr<HostRecord> HostRegistry::Get(const std::string& host_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = hosts_.find(host_id);
  if (it == hosts_.end()) return absl::NotFoundError(absl::StrCat("no host ", host_id, " is attached"));
  return it->second->record;
}

absl::StatusOr<HostRecord> HostRegistry::Select(const HostSelector& selector) const {
  if (!selector.host_id.empty()) return Get(selector.host_id);
  const std::string application = absl::AsciiStrToLower(selector.application);
  if (application.empty()) {
    return absl::InvalidArgumentError(
        "host: name a host id, or a query with at least an application");
  }
  std::vector<HostRecord> candidates;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [order, host] : hosts_by_order_) {
      const HostInfo& info = host->record.info;
      if (info.application != application) continue;
      if (!selector.user.empty() && info.user != selector.user) continue;
      if (!selector.session_id.empty() && info.session_id != selector.session_id) continue;
      if (selector.pid != 0 && info.pid != selector.pid) continue;
      candidates.push_back(host->record);
    }
  }
  std::string filter;
  if (!selector.user.empty()) absl::StrAppend(&filter, " user=", selector.user);
  if (!selector.session_id.empty()) absl::StrAppend(&filter, " session_id=", selector.session_id);
  if (selector.pid != 0) absl::StrAppend(&filter, " pid=", selector.pid);
  if (candidates.empty()) {
    return absl::NotFoundError(absl::StrCat("no ", application, " host is attached",
                                            filter.empty() ? "" : " matching", filter));
  }
  if (candidates.size() > 1) {
    std::vector<std::string> names;
    for (const auto& c : candidates) names.push_back(Describe(c));
    return absl::FailedPreconditionError(absl::StrCat(
        candidates.size(), " ", application, " hosts match", filter.empty() ? "" : " ", filter, ": ",
        absl::StrJoin(names, "; "), "; select one by id or narrow by user, session_id or pid"));
  }
  return candidates.front();
}

absl::StatusOr<InvocationStarted> HostRegistry::Invoke(InvokeParams params,
                                                       InvocationCallbacks callbacks) {
  if (params.deadline == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("an invocation needs a deadline");
  }
  if (params.args.is_null()) params.args = nlohmann::json::object();
  if (!params.args.is_object()) return absl::InvalidArgumentError("args: expected an object");
  if (params.command.empty()) return absl::InvalidArgumentError("command: name the command to run");
  absl::StatusOr<HostRecord> selected = Select(params.host);
  if (!selected.ok()) return selected.status();

  auto pending = std::make_shared<Pending>();
  Invocation invocation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hosts_.find(selected->id);
    if (it == hosts_.end()) {
      return absl::UnavailableError(absl::StrCat("host ", selected->id, " detached"));
    }
    Host& host = *it->second;
    const auto& commands = host.record.commands;
    auto command = std::find_if(commands.begin(), commands.end(),
                                [&](const CommandSpec& c) { return c.name == params.command; });
    if (command == commands.end()) {
      std::vector<std::string> names;
      for (const auto& c : commands) names.push_back(c.name);
      return absl::NotFoundError(absl::StrCat(
          "host ", host.record.id, " (", host.record.info.application, ") has no command \"",
          params.command, "\"; it offers: ", names.empty() ? "nothing" : absl::StrJoin(names, ", ")));
    }
    if (absl::Status valid = ValidateJson(command->args_schema, params.args, "args"); !valid.ok()) {
      return valid;
    }
    const absl::Time now = Now();
    if (params.deadline <= now) {
      return absl::DeadlineExceededError("the call's deadline passed before the host was asked");
    }
    pending->id = absl::StrCat("inv-", next_invocation_++);
    pending->host_id = host.record.id;
    pending->application = host.record.info.application;
    pending->user = host.record.info.user;
    pending->command = params.command;
    pending->caller_host = params.caller_host;
    pending->deadline = params.deadline;
    pending->started = now;
    pending->sink = host.sink;
    pending->callbacks = std::move(callbacks);
    host.pending.insert(pending->id);
    pending_[pending->id] = pending;
    const bool earliest = deadlines_.empty() || params.deadline < deadlines_.begin()->first;
    deadlines_.emplace(params.deadline, pending->id);
    if (earliest) wake_.notify_all();

    invocation.invocation_id = pending->id;
    invocation.command = std::move(params.command);
    invocation.args = std::move(params.args);
    invocation.deadline = params.deadline;
    invocation.caller_host = std::move(params.caller_host);
  }
  InvocationStarted started{pending->id, pending->host_id};
  // The host may answer, detach or the caller cancel from here on: `pending` stays valid.
  pending->sink->SendInvocation(invocation);
  return started;
}

std::shared_ptr<HostRegistry::Pending> HostRegistry::TakePendingLocked(
    const std::string& invocation_id) {
  auto it = pending_.find(invocation_id);
  if (it == pending_.end()) return nullptr;
  std::shared_ptr<Pending> pending = it->second;
  pending_.erase(it);
  if (auto host = hosts_.find(pending->host_id); host != hosts_.end()) {
    host->second->pending.erase(invocation_id);
  }
  return pending;
}

absl::Status HostRegistry::DeadlineExceeded(const Pending& pending) {
  return absl::DeadlineExceededError(absl::StrCat("host ", pending.host_id, " did not answer ",
                                                  pending.command, " within the deadline"));
}

void HostRegistry::Finish(const std::shared_ptr<Pending>& pending,
                          absl::StatusOr<nlohmann::json> outcome) {
  InvocationReport report;
  report.invocation_id = pending->id;
  report.host_id = pending->host_id;
  report.application = pending->application;
  report.user = pending->user;
  report.command = pending->command;
  report.caller_host = pending->caller_host;
  report.status = outcome.status();
  report.duration = Now() - pending->started;
  {
    std::lock_guard<std::mutex> lock(pending->callback_mutex);
    pending->done = true;
    if (pending->callbacks.on_done) {
      pending->callbacks.on_done(InvocationOutcome{pending->id, pending->host_id, std::move(outcome)});
    }
    pending->callbacks = {};  // Release what the caller captured.
  }
  std::shared_ptr<HostRegistryListener> listener;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    listener = listener_;
  }
  if (listener) listener->OnInvocationFinished(report);
}

absl::Status HostRegistry::Complete(const std::string& host_id, const std::string& invocation_id,
                                    absl::StatusOr<nlohmann::json> outcome) {
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(invocation_id);
    if (it == pending_.end() || it->second->host_id != host_id) {
      return absl::NotFoundError(
          absl::StrCat("invocation ", invocation_id, " is not in flight on host ", host_id));
    }
    pending = TakePendingLocked(invocation_id);
    if (auto host = hosts_.find(host_id); host != hosts_.end()) host->second->record.last_seen = Now();
  }
  // A host that stops its handler at the invocation's deadline by itself (SDKs do) can answer
  // before Expire runs: its error is then the deadline's doing, and the caller is told so.
  if (!outcome.ok() && Now() >= pending->deadline) outcome = DeadlineExceeded(*pending);
  Finish(pending, std::move(outcome));
  return absl::OkStatus();
}

absl::Status HostRegistry::Progress(const std::string& host_id, const InvocationProgress& progress) {
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(progress.invocation_id);
    if (it == pending_.end() || it->second->host_id != host_id) {
      return absl::NotFoundError(absl::StrCat("invocation ", progress.invocation_id,
                                              " is not in flight on host ", host_id));
    }
    pending = it->second;
    if (auto host = hosts_.find(host_id); host != hosts_.end()) host->second->record.last_seen = Now();
  }
  std::lock_guard<std::mutex> lock(pending->callback_mutex);
  if (!pending->done && pending->callbacks.on_progress) pending->callbacks.on_progress(progress);
  return absl::OkStatus();
}

void HostRegistry::Cancel(const std::string& invocation_id, const std::string& reason) {
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending = TakePendingLocked(invocation_id);
  }
  if (pending == nullptr) return;
  pending->sink->SendCancel(invocation_id, reason);
  if (reason == "deadline exceeded") {
    Finish(pending, DeadlineExceeded(*pending));
  } else {
    Finish(pending, absl::CancelledError(absl::StrCat("invocation of ", pending->command, " on host ",
                                                      pending->host_id, " was ", reason)));
  }
}

void HostRegistry::Expire() {
  const absl::Time now = Now();
  std::vector<std::shared_ptr<Pending>> late;
  std::vector<std::string> silent;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      std::string id = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      if (auto pending = TakePendingLocked(id)) late.push_back(std::move(pending));
    }
    for (const auto& [order, host] : hosts_by_order_) {
      if (now - host->record.last_seen > options_.lease) silent.push_back(host->record.id);
    }
  }
  for (const auto& pending : late) {
    pending->sink->SendCancel(pending->id, "deadline exceeded");
    Finish(pending, DeadlineExceeded(*pending));
  }
  for (const auto& id : silent) {
    std::vector<std::shared_ptr<Pending>> pending;
    std::shared_ptr<Host> host;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = hosts_.find(id);
      // Touched since we looked: keep it.
      if (it == hosts_.end() || now - it->second->record.last_seen <= options_.lease) continue;
      host = RemoveHostLocked(id, &pending);
    }
    const std::string reason = absl::StrCat("lease expired: nothing received for ",
                                            absl::FormatDuration(options_.lease));
    FailDetached(host, std::move(pending), reason);
    host->sink->Close(absl::UnavailableError(absl::StrCat("host ", id, " detached: ", reason)));
  }
}

void HostRegistry::ExpiryLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    absl::Time wake = absl::Now() + options_.lease_check_interval;
    if (!deadlines_.empty()) wake = std::min(wake, deadlines_.begin()->first);
    wake_.wait_until(lock, absl::ToChronoTime(wake));
    if (stopping_) break;
    lock.unlock();
    Expire();
    lock.lock();
  }
}

size_t HostRegistry::pending_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_.size();
}

}  // namespace pipebridge::core::hosts
