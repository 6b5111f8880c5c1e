#include "adapters/jsonrpc/jsonrpc_connection.h"

#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "absl/strings/str_cat.h"
#include "adapters/jsonrpc/host_link.h"
#include "adapters/jsonrpc/jsonrpc_call.h"
#include "adapters/jsonrpc/jsonrpc_params.h"
#include "adapters/transcoding/json_codec.h"
#include "bridge/rpc/auth_interceptor.h"
#include "bridge/rpc/logger.h"
#include "pipebridge/v1/hosts.pb.h"
#include "google/protobuf/struct.pb.h"

namespace pipebridge::jsonrpc {
namespace {

using Clock = std::chrono::steady_clock;

// Recycled output buffers: how many, and the largest kept.
constexpr size_t kSpareBuffers = 32;
constexpr size_t kLargestSpareBuffer = 64 * 1024;
// Wrong tokens tolerated on one connection before it is closed.
constexpr int kMaxFailedLogins = 5;

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

Clock::duration ToClock(absl::Duration d) {
  return std::chrono::duration_cast<Clock::duration>(absl::ToChronoNanoseconds(d));
}

}  // namespace

JsonRpcConnection::JsonRpcConnection(std::shared_ptr<ServerState> state, Strand strand,
                                     rpc::Peer peer, bool authenticated, bool newline_delimited)
    : state_(std::move(state)),
      strand_(std::move(strand)),
      peer_(std::move(peer)),
      newline_delimited_(newline_delimited),
      authenticated_(authenticated) {}

JsonRpcConnection::~JsonRpcConnection() {
  if (registered_ && !closed_) {
    state_->Unregister(this);
    state_->connections--;
  }
  state_->queued_output_bytes -= static_cast<int64_t>(output_bytes_);
}

void JsonRpcConnection::Open() {
  registered_ = true;
  state_->Register(this, weak_from_this());
  state_->connections++;
  last_activity_ = last_read_ = Clock::now();
  watchdog_.emplace(strand_);
  ArmWatchdog(last_activity_ + ToClock(options().idle_timeout));
}

void JsonRpcConnection::CloseFromAnyThread() {
  boost::asio::dispatch(strand_, [self = shared_from_this()] {
    if (!self->closed_) self->CloseTransport("the server is shutting down");
  });
}

// ---- Messages ----

void JsonRpcConnection::HandleMessage(const char* data, size_t size) {
  if (closed_) return;
  ParseMessage(data, size, &parsed_);
  if (!parsed_.parse_error.empty()) {
    ReplyProtocolError(nullptr, "null", ProtocolError::kParseError, parsed_.parse_error);
    return;
  }
  if (!parsed_.batch) {
    HandleEnvelope(parsed_.items.front(), nullptr);
    return;
  }
  if (parsed_.items.empty()) {
    ReplyProtocolError(nullptr, "null", ProtocolError::kInvalidRequest,
                       "an empty batch is not a request");
    return;
  }
  auto batch = std::make_shared<BatchReply>();
  for (const Envelope& envelope : parsed_.items) {
    if (closed_) return;
    HandleEnvelope(envelope, batch);
  }
  FinishBatchPart(batch.get());
}

void JsonRpcConnection::HandleOversizedMessage() {
  ReplyProtocolError(nullptr, "null", ProtocolError::kInvalidRequest,
                     absl::StrCat("the message is larger than the limit of ",
                                  options().max_message_bytes, " bytes; it was skipped"));
}

void JsonRpcConnection::HandleEnvelope(const Envelope& envelope,
                                       const std::shared_ptr<BatchReply>& batch) {
  switch (envelope.kind) {
    case Envelope::Kind::kInvalid:
      ReplyProtocolError(batch.get(), envelope.id.empty() ? "null" : envelope.id,
                         ProtocolError::kInvalidRequest, envelope.problem);
      return;
    case Envelope::Kind::kResponse:
      HandleClientResponse(envelope);
      return;
    case Envelope::Kind::kRequest:
    case Envelope::Kind::kNotification:
      break;
  }
  if (envelope.method == "$/initialize") {
    HandleInitialize(envelope, batch);
  } else if (envelope.method == "$/cancelRequest") {
    HandleCancel(envelope, batch);
  } else if (envelope.method == "rpc.discover") {
    HandleDiscover(envelope, batch);
  } else if (envelope.method.substr(0, 5) == "host.") {
    HandleHost(envelope, batch);
  } else {
    HandleCall(envelope, batch);
  }
}

void JsonRpcConnection::HandleCall(const Envelope& envelope,
                                   const std::shared_ptr<BatchReply>& batch) {
  const bool notification = envelope.kind == Envelope::Kind::kNotification;
  BatchReply* reply_batch = notification ? nullptr : batch.get();
  auto refuse = [&](ProtocolError error, std::string_view message) {
    if (!notification) ReplyProtocolError(reply_batch, envelope.id, error, message);
  };
  auto fail = [&](const absl::Status& status) {
    if (!notification) ReplyStatus(reply_batch, envelope.id, status);
  };
  if (!authenticated_) {
    fail(absl::UnauthenticatedError(
        "not authenticated: call $/initialize with the token from the bridge's discovery file "
        "first"));
    return;
  }
  const rpc::Method* method = state_->dispatcher.methods().Find(Absl(envelope.method));
  if (method == nullptr) {
    refuse(ProtocolError::kMethodNotFound,
           absl::StrCat("no method \"", Absl(envelope.method),
                        "\"; methods are named like \"pipebridge.v1.BridgeService/Ping\""));
    return;
  }
  if (method->kind == rpc::MethodKind::kBidiStreaming) {
    fail(absl::UnimplementedError(absl::StrCat(
        method->full_name, " is a bidirectional stream, which JSON-RPC does not carry; use gRPC")));
    return;
  }
  // A notification cannot receive stream messages: there is nothing to run.
  if (notification && method->kind == rpc::MethodKind::kServerStreaming) return;
  if (calls_.size() >= static_cast<size_t>(options().max_in_flight)) {
    fail(absl::ResourceExhaustedError(absl::StrCat(
        "too many calls in flight on this connection (limit ", options().max_in_flight,
        "); wait for answers before sending more")));
    return;
  }
  if (!notification && envelope.id != "null" && calls_by_id_.contains(Absl(envelope.id))) {
    refuse(ProtocolError::kInvalidRequest,
           absl::StrCat("id ", Absl(envelope.id), " is already used by a call in flight"));
    return;
  }
  std::string_view params = "{}";
  if (envelope.params_kind == Envelope::ParamsKind::kOther) {
    refuse(ProtocolError::kInvalidParams,
           absl::StrCat("params must be an object (named parameters) holding a ",
                        method->request_prototype->GetDescriptor()->full_name()));
    return;
  }
  if (envelope.params_kind == Envelope::ParamsKind::kObject) params = envelope.params;
  std::optional<absl::Duration> timeout;
  std::string stripped;
  if (MayHaveMeta(params)) {
    if (absl::Status status = SplitMeta(params, &stripped, &timeout); !status.ok()) {
      absl::string_view message = status.message();
      refuse(ProtocolError::kInvalidParams, std::string_view(message.data(), message.size()));
      return;
    }
    params = stripped;
  }
  auto call = std::make_shared<Call>(shared_from_this(), *method,
                                     notification ? std::string_view() : envelope.id,
                                     notification ? nullptr : batch);
  transcoding::JsonParseOptions parse_options;
  parse_options.max_depth = options().max_depth;
  if (absl::Status status = transcoding::JsonToMessage(params, call->request(), parse_options);
      !status.ok()) {
    absl::string_view message = status.message();
    refuse(ProtocolError::kInvalidParams, std::string_view(message.data(), message.size()));
    return;
  }
  rpc::CallContext& ctx = call->context();
  ctx.identity().authenticated = true;
  ctx.identity().client = client_;
  if (host_ && !host_->ended()) ctx.identity().host_id = host_->host_id();
  if (timeout.has_value()) ctx.set_requested_timeout(*timeout);
  Track(call.get());
  call->Start();
}

void JsonRpcConnection::HandleInitialize(const Envelope& envelope,
                                         const std::shared_ptr<BatchReply>& batch) {
  const bool notification = envelope.kind == Envelope::Kind::kNotification;
  BatchReply* reply_batch = notification ? nullptr : batch.get();
  if (envelope.params_kind == Envelope::ParamsKind::kOther) {
    if (!notification) {
      ReplyProtocolError(reply_batch, envelope.id, ProtocolError::kInvalidParams,
                         "the params of $/initialize are an object");
    }
    return;
  }
  InitializeParams params;
  if (absl::Status status = ParseInitializeParams(envelope.params, &params); !status.ok()) {
    absl::string_view message = status.message();
    if (!notification) {
      ReplyProtocolError(reply_batch, envelope.id, ProtocolError::kInvalidParams,
                         std::string_view(message.data(), message.size()));
    }
    return;
  }
  if (!rpc::TokensEqual(params.token, options().token)) {
    if (!notification) {
      ReplyStatus(reply_batch, envelope.id,
                  absl::UnauthenticatedError(
                      "wrong token: use the token from the running bridge's discovery file"));
    }
    if (++failed_logins_ >= kMaxFailedLogins) CloseTransport("too many wrong tokens");
    return;
  }
  if (params.protocol_version != options().protocol_version) {
    if (!notification) {
      ReplyStatus(reply_batch, envelope.id,
                  absl::FailedPreconditionError(absl::StrCat(
                      "protocol version mismatch: the client speaks protocolVersion ",
                      params.protocol_version, " but this server (pipebridge ",
                      options().server_version, ") speaks protocolVersion ",
                      options().protocol_version, "; update the older of the two")));
    }
    return;
  }
  authenticated_ = true;
  client_ = params.client_version.empty()
                ? params.client_name
                : absl::StrCat(params.client_name, "/", params.client_version);
  if (notification) return;
  std::string* out = BeginReply(reply_batch, envelope.id);
  out->append("\"result\":{\"server\":{\"name\":\"pipebridge\",\"version\":");
  rpc::AppendJsonString(options().server_version, out);
  absl::StrAppend(out, "},\"protocolVersion\":", options().protocol_version,
                  ",\"capabilities\":[");
  for (size_t i = 0; i < options().capabilities.size(); ++i) {
    if (i > 0) out->push_back(',');
    rpc::AppendJsonString(options().capabilities[i], out);
  }
  out->append("]}");
  EndReply(reply_batch, out);
}

void JsonRpcConnection::HandleDiscover(const Envelope& envelope,
                                       const std::shared_ptr<BatchReply>& batch) {
  if (envelope.kind == Envelope::Kind::kNotification) return;
  if (!authenticated_) {
    ReplyStatus(batch.get(), envelope.id,
                absl::UnauthenticatedError("not authenticated: call $/initialize first"));
    return;
  }
  std::string* out = BeginReply(batch.get(), envelope.id);
  out->append("\"result\":");
  out->append(state_->contract_description);
  EndReply(batch.get(), out);
}

void JsonRpcConnection::HandleHost(const Envelope& envelope,
                                   const std::shared_ptr<BatchReply>& batch) {
  const bool notification = envelope.kind == Envelope::Kind::kNotification;
  // Host answers come later than the batch they would sit in; a host has no use for
  // batching its session anyway.
  if (batch != nullptr) {
    if (!notification) {
      ReplyProtocolError(batch.get(), envelope.id, ProtocolError::kInvalidRequest,
                         "host.* methods cannot be sent in a batch");
    }
    return;
  }
  auto fail = [&](const absl::Status& status) {
    if (!notification) ReplyStatus(nullptr, envelope.id, status);
  };
  auto answer_empty = [&] {
    if (notification) return;
    std::string* out = BeginReply(nullptr, envelope.id);
    out->append("\"result\":{}");
    EndReply(nullptr, out);
  };
  if (!authenticated_) {
    fail(absl::UnauthenticatedError("not authenticated: call $/initialize first"));
    return;
  }
  if (host_ && host_->ended()) host_.reset();
  const std::string_view method = envelope.method;
  v1::AttachRequest message;
  google::protobuf::Message* params_into = nullptr;
  if (method == "host.attach") {
    params_into = message.mutable_hello();
  } else if (method == "host.updateCommands") {
    params_into = message.mutable_update_commands();
  } else if (method == "host.heartbeat") {
    params_into = message.mutable_heartbeat();
  } else if (method == "host.progress") {
    params_into = message.mutable_progress();
  } else if (method != "host.detach") {
    if (!notification) {
      ReplyProtocolError(nullptr, envelope.id, ProtocolError::kMethodNotFound,
                         absl::StrCat("no method \"", Absl(method),
                                      "\"; a host has host.attach, host.updateCommands, "
                                      "host.heartbeat, host.progress and host.detach"));
    }
    return;
  }
  if (params_into != nullptr && envelope.params_kind != Envelope::ParamsKind::kAbsent) {
    // $meta is accepted as on every method; a host's session has no deadline to set.
    std::string_view params = envelope.params;
    std::string stripped;
    std::optional<absl::Duration> unused_timeout;
    absl::Status status =
        envelope.params_kind != Envelope::ParamsKind::kObject
            ? absl::InvalidArgumentError(absl::StrCat("the params of ", Absl(method),
                                                      " are an object"))
        : !MayHaveMeta(params) ? absl::OkStatus()
                               : SplitMeta(params, &stripped, &unused_timeout);
    if (status.ok() && !stripped.empty()) params = stripped;
    if (status.ok()) status = transcoding::JsonToMessage(params, params_into);
    if (!status.ok()) {
      absl::string_view text = status.message();
      if (!notification) {
        ReplyProtocolError(nullptr, envelope.id, ProtocolError::kInvalidParams,
                           std::string_view(text.data(), text.size()));
      }
      return;
    }
  }
  if (method == "host.attach") {
    if (host_) {
      fail(absl::FailedPreconditionError(
          "a host is already attached on this connection (one per connection): send "
          "host.detach first, or open another connection"));
      return;
    }
    if (notification) return;  // nobody to tell the host id to
    const rpc::Method* attach = state_->dispatcher.methods().Find("pipebridge.v1.HostService/Attach");
    if (attach == nullptr) {
      fail(absl::UnimplementedError("this server has no HostService"));
      return;
    }
    host_ = std::make_shared<HostLink>(shared_from_this(), *attach, std::string(envelope.id));
    host_->context().identity().authenticated = true;
    host_->context().identity().client = client_;
    host_->Start(message.hello());
    return;
  }
  if (!host_) {
    fail(absl::FailedPreconditionError(
        absl::StrCat(Absl(method), ": no host is attached on this connection; call host.attach "
                                   "first")));
    return;
  }
  if (method == "host.detach") {
    answer_empty();
    host_->Detach();
    return;
  }
  if (method == "host.heartbeat") {
    host_->Deliver(message, notification ? std::string() : std::string(envelope.id));
    return;
  }
  host_->Deliver(message);
  answer_empty();
}

void JsonRpcConnection::HandleCancel(const Envelope& envelope,
                                     const std::shared_ptr<BatchReply>& batch) {
  const bool notification = envelope.kind == Envelope::Kind::kNotification;
  BatchReply* reply_batch = notification ? nullptr : batch.get();
  std::string id;
  absl::Status status =
      envelope.params_kind == Envelope::ParamsKind::kOther
          ? absl::InvalidArgumentError("the params of $/cancelRequest are {\"id\": <id>}")
          : ParseCancelParams(envelope.params, &id);
  if (!status.ok()) {
    absl::string_view message = status.message();
    if (!notification) {
      ReplyProtocolError(reply_batch, envelope.id, ProtocolError::kInvalidParams,
                         std::string_view(message.data(), message.size()));
    }
    return;
  }
  // An unknown id is no error: the call may have ended while the cancel was on its way.
  if (auto it = calls_by_id_.find(id); it != calls_by_id_.end()) {
    it->second->Abort(absl::CancelledError("cancelled by the client ($/cancelRequest)"));
  }
  if (notification) return;
  std::string* out = BeginReply(reply_batch, envelope.id);
  out->append("\"result\":{}");
  EndReply(reply_batch, out);
}

void JsonRpcConnection::HandleClientResponse(const Envelope& envelope) {
  auto it = client_requests_.find(Absl(envelope.id));
  if (it == client_requests_.end()) return;  // not ours, or no longer wanted
  ClientResponse done = std::move(it->second);
  client_requests_.erase(it);
  ClientAnswer answer;
  if (envelope.error.empty()) {
    answer.ok = true;
    answer.result_json = std::string(envelope.result);
    done(answer);
    return;
  }
  // The error object through the codec: {"code": n, "message": "...", "data": ...}.
  google::protobuf::Struct error;
  if (!transcoding::JsonToMessage(envelope.error, &error).ok()) {
    answer.code = static_cast<int>(absl::StatusCode::kUnknown);
    answer.message = "the client answered with a malformed error object";
    done(answer);
    return;
  }
  const auto& fields = error.fields();
  if (auto code = fields.find("code");
      code != fields.end() && code->second.has_number_value()) {
    answer.code = static_cast<int>(code->second.number_value());
  } else {
    answer.code = static_cast<int>(absl::StatusCode::kUnknown);
  }
  if (auto message = fields.find("message");
      message != fields.end() && message->second.has_string_value()) {
    answer.message = message->second.string_value();
  }
  if (auto data = fields.find("data"); data != fields.end()) {
    transcoding::MessageToJson(data->second, &answer.data_json);
  }
  done(answer);
}

std::string JsonRpcConnection::AddClientRequest(ClientResponse done) {
  std::string id = absl::StrCat("\"s:", next_client_request_++, "\"");
  client_requests_.emplace(id, std::move(done));
  return id;
}

// ---- Answers ----

std::string* JsonRpcConnection::BeginReply(BatchReply* batch, std::string_view id) {
  std::string* out;
  if (batch != nullptr) {
    out = &batch->text;
    if (batch->any) out->push_back(',');
    batch->any = true;
  } else {
    reply_ = TakeBuffer();
    out = &reply_;
  }
  out->append("{\"jsonrpc\":\"2.0\",\"id\":");
  out->append(id.empty() ? std::string_view("null") : id);
  out->push_back(',');
  return out;
}

void JsonRpcConnection::EndReply(BatchReply* batch, std::string* text) {
  text->push_back('}');
  if (batch == nullptr) Enqueue(std::move(*text), nullptr);
}

void JsonRpcConnection::ReplyProtocolError(BatchReply* batch, std::string_view id,
                                           ProtocolError error, std::string_view message) {
  std::string* out = BeginReply(batch, id);
  AppendProtocolError(error, message, out);
  EndReply(batch, out);
}

void JsonRpcConnection::ReplyStatus(BatchReply* batch, std::string_view id,
                                    const absl::Status& status) {
  std::string* out = BeginReply(batch, id);
  AppendStatusError(status, out);
  EndReply(batch, out);
}

void JsonRpcConnection::FinishBatchPart(BatchReply* batch) {
  if (--batch->pending > 0) return;
  if (!batch->any || closed_) return;  // only notifications: no answer at all
  batch->text.push_back(']');
  Enqueue(std::move(batch->text), nullptr);
}

// ---- Output ----

std::string JsonRpcConnection::TakeBuffer() {
  if (spare_buffers_.empty()) {
    std::string buffer;
    buffer.reserve(256);
    return buffer;
  }
  std::string buffer = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return buffer;
}

void JsonRpcConnection::Enqueue(std::string text, WriteListener* listener) {
  if (closed_) return;
  if (newline_delimited_) text.push_back('\n');
  output_bytes_ += text.size();
  int64_t total = state_->queued_output_bytes.fetch_add(static_cast<int64_t>(text.size())) +
                  static_cast<int64_t>(text.size());
  (void)total;
  int64_t mine = static_cast<int64_t>(output_bytes_);
  int64_t peak = state_->peak_connection_queued_output_bytes.load(std::memory_order_relaxed);
  while (mine > peak &&
         !state_->peak_connection_queued_output_bytes.compare_exchange_weak(peak, mine)) {
  }
  output_.push_back(Output{std::move(text), listener});
  if (!writing_) {
    writing_ = true;
    StartWrite();
  }
}

void JsonRpcConnection::HandleWriteDone(size_t messages, bool ok) {
  writing_ = false;
  absl::InlinedVector<WriteListener*, 4> listeners;
  size_t bytes = 0;
  for (size_t i = 0; i < messages && !output_.empty(); ++i) {
    Output& output = output_.front();
    bytes += output.text.size();
    if (output.listener != nullptr) listeners.push_back(output.listener);
    if (output.text.capacity() <= kLargestSpareBuffer && spare_buffers_.size() < kSpareBuffers) {
      output.text.clear();
      spare_buffers_.push_back(std::move(output.text));
    }
    output_.pop_front();
  }
  output_bytes_ -= bytes;
  state_->queued_output_bytes -= static_cast<int64_t>(bytes);
  last_activity_ = Clock::now();
  if (!ok && !closed_) CloseTransport("write failed");
  if (closed_) {
    FailQueuedOutput();
  } else if (!output_.empty()) {
    writing_ = true;
    StartWrite();
  }
  for (WriteListener* listener : listeners) listener->OnWritten(ok);
  if (reading_paused_ && !closed_ && output_bytes_ <= options().max_queued_output_bytes / 2) {
    reading_paused_ = false;
    ResumeReading();
  }
}

void JsonRpcConnection::FailQueuedOutput() {
  std::deque<Output> dropped;
  dropped.swap(output_);
  state_->queued_output_bytes -= static_cast<int64_t>(output_bytes_);
  output_bytes_ = 0;
  for (Output& output : dropped) {
    if (output.listener != nullptr) output.listener->OnWritten(false);
  }
}

bool JsonRpcConnection::ShouldPauseReading() {
  if (output_bytes_ > options().max_queued_output_bytes) reading_paused_ = true;
  return reading_paused_;
}

// ---- Calls ----

void JsonRpcConnection::Track(Call* call) {
  calls_.push_back(call);
  if (!call->id().empty() && call->id() != "null") calls_by_id_.emplace(call->id(), call);
  state_->calls_in_flight++;
}

void JsonRpcConnection::ForgetId(Call* call) {
  if (call->id().empty() || call->id() == "null") return;
  auto it = calls_by_id_.find(call->id());
  if (it != calls_by_id_.end() && it->second == call) calls_by_id_.erase(it);
}

void JsonRpcConnection::Untrack(Call* call) {
  ForgetId(call);
  auto it = std::find(calls_.begin(), calls_.end(), call);
  if (it == calls_.end()) return;
  *it = calls_.back();
  calls_.pop_back();
  state_->calls_in_flight--;
  last_activity_ = Clock::now();
}

// ---- Closing and timeouts ----

void JsonRpcConnection::HandleClosed() {
  if (closed_) return;
  closed_ = true;
  if (watchdog_) watchdog_->cancel();
  if (registered_) {
    state_->Unregister(this);
    state_->connections--;
  }
  std::vector<std::shared_ptr<Call>> calls;
  calls.reserve(calls_.size());
  for (Call* call : calls_) calls.push_back(call->shared_from_this());
  for (auto& call : calls) call->Abort(absl::CancelledError("the connection closed"));
  if (host_) host_->Abort(absl::UnavailableError("the host's connection closed"));
  auto requests = std::move(client_requests_);
  client_requests_.clear();
  ClientAnswer gone;
  gone.code = static_cast<int>(absl::StatusCode::kUnavailable);
  gone.message = "the client disconnected";
  for (auto& [id, done] : requests) done(gone);
  if (!writing_) FailQueuedOutput();
}

void JsonRpcConnection::NoteRead(bool partial) {
  last_read_ = last_activity_ = Clock::now();
  partial_ = partial;
  if (partial && watchdog_) {
    auto due = last_read_ + ToClock(options().read_timeout);
    if (!watchdog_armed_ || watchdog_at_ > due) ArmWatchdog(due);
  }
}

void JsonRpcConnection::ArmWatchdog(Clock::time_point when) {
  if (closed_) return;
  watchdog_at_ = when;
  watchdog_armed_ = true;
  watchdog_->expires_at(when);
  watchdog_->async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    if (error) return;
    if (auto self = weak.lock()) self->OnWatchdog();
  });
}

void JsonRpcConnection::OnWatchdog() {
  watchdog_armed_ = false;
  if (closed_) return;
  const auto now = Clock::now();
  const auto read_timeout = ToClock(options().read_timeout);
  const auto idle_timeout = ToClock(options().idle_timeout);
  if (partial_ && now - last_read_ >= read_timeout) {
    CloseTransport("read timeout: a message was begun but not finished");
    return;
  }
  const bool busy = !calls_.empty() || !client_requests_.empty() || host_ != nullptr;
  if (!busy && now - last_activity_ >= idle_timeout) {
    CloseTransport("idle timeout");
    return;
  }
  auto next = busy ? now + idle_timeout : last_activity_ + idle_timeout;
  if (partial_) next = std::min(next, last_read_ + read_timeout);
  ArmWatchdog(next);
}

}  // namespace pipebridge::jsonrpc
