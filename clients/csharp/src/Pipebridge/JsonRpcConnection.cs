// One JSON-RPC 2.0 connection to the bridge: numbered requests matched to their responses,
// `$/stream` notifications routed to their call, server-to-client requests (`host.invoke`)
// and notifications (`host.cancel`) handed to whoever registered for them. Requests run
// concurrently; nothing here blocks the reader on a caller.
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Json;
using Pipebridge.Transport;

namespace Pipebridge
{
    /// <summary>Handles a request the server sends (host.invoke); returns the result or throws (the error it answers).</summary>
    public delegate Task<object> ServerRequestHandler(string method, JsonObject parameters, CancellationToken connectionClosed);

    public sealed class JsonRpcConnection : IDisposable
    {
        // How long past a call's own deadline we wait for the server's DEADLINE_EXCEEDED before
        // failing it here: the server's answer is the authority, this only guards a stuck peer.
        static readonly TimeSpan LocalDeadlineGrace = TimeSpan.FromSeconds(2);

        sealed class PendingCall
        {
            public readonly TaskCompletionSource<object> Completion =
                new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            public Action<JsonObject> OnStreamMessage;
        }

        readonly IMessageTransport transport;
        readonly ConcurrentDictionary<long, PendingCall> pending = new ConcurrentDictionary<long, PendingCall>();
        readonly SemaphoreSlim sendLock = new SemaphoreSlim(1, 1);
        readonly CancellationTokenSource closing = new CancellationTokenSource();
        readonly TaskCompletionSource<Exception> closed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        long nextId;

        public JsonRpcConnection(IMessageTransport transport)
        {
            this.transport = transport;
        }

        /// <summary>Requests from the server (host.invoke). Runs on the thread pool, never on the reader.</summary>
        public ServerRequestHandler OnServerRequest { get; set; }

        /// <summary>Notifications from the server other than `$/stream` (host.cancel). Runs on the reader: return quickly.</summary>
        public Action<string, JsonObject> OnNotification { get; set; }

        /// <summary>Completes once the connection is closed, with the reason (null for Dispose).</summary>
        public Task<Exception> Closed { get { return closed.Task; } }

        public bool IsOpen { get { return !closed.Task.IsCompleted; } }

        public string Description { get { return transport.Description; } }

        /// <summary>Connects the transport and starts reading.</summary>
        public async Task OpenAsync(CancellationToken cancellation)
        {
            await transport.ConnectAsync(cancellation).ConfigureAwait(false);
            Task.Run(() => ReadLoopAsync()).Forget();
        }

        /// <summary>
        /// Calls method and returns its result (a JsonObject for every contract method).
        /// timeout, when given, travels as `$meta.timeoutMs` for contract methods and the server
        /// answers DEADLINE_EXCEEDED when it passes (protocol methods such as host.* are bounded
        /// here only); cancellation sends `$/cancelRequest` and fails the
        /// call with CancelledException at once. onStreamMessage receives each `$/stream`
        /// message of a server-streaming call, in order, on the reader thread.
        /// </summary>
        public async Task<object> CallAsync(string method, JsonObject parameters, TimeSpan? timeout,
                                            CancellationToken cancellation, Action<JsonObject> onStreamMessage = null)
        {
            if (cancellation.IsCancellationRequested)
                throw new CancelledException(method + " was cancelled by the caller before it was sent");
            if (!IsOpen) throw new UnavailableException("the connection to the bridge is closed (" + Description + ")");
            long id = Interlocked.Increment(ref nextId);
            var call = new PendingCall { OnStreamMessage = onStreamMessage };
            pending[id] = call;

            var sent = parameters != null ? new JsonObject(parameters) : new JsonObject();
            // Only contract methods ("pkg.Service/Method") take `$meta`; the protocol's own
            // ($/initialize, host.*) refuse unknown params, so their bound is local only.
            bool serverDeadline = IsContractMethod(method);
            if (timeout.HasValue && serverDeadline)
            {
                long ms = Math.Max(1, (long)Math.Ceiling(timeout.Value.TotalMilliseconds));
                var meta = sent.Get("$meta") as JsonObject;
                meta = meta != null ? new JsonObject(meta) : new JsonObject();
                sent["$meta"] = meta.With("timeoutMs", ms);
            }
            var request = new JsonObject().With("jsonrpc", "2.0").With("id", id).With("method", method).With("params", sent);

            CancellationTokenSource localDeadline = null;
            CancellationTokenRegistration callerRegistration = default(CancellationTokenRegistration);
            CancellationTokenRegistration deadlineRegistration = default(CancellationTokenRegistration);
            try
            {
                callerRegistration = cancellation.Register(() => Abandon(id, PipebridgeException.Create(
                    StatusCode.Cancelled, method + " was cancelled by the caller")));
                if (timeout.HasValue)
                {
                    localDeadline = new CancellationTokenSource(serverDeadline ? timeout.Value + LocalDeadlineGrace : timeout.Value);
                    deadlineRegistration = localDeadline.Token.Register(() => Abandon(id, PipebridgeException.Create(
                        StatusCode.DeadlineExceeded, method + " got no answer within its deadline of " +
                        (long)timeout.Value.TotalMilliseconds + " ms")));
                }
                await SendAsync(request).ConfigureAwait(false);
                return await call.Completion.Task.ConfigureAwait(false);
            }
            finally
            {
                callerRegistration.Dispose();
                deadlineRegistration.Dispose();
                if (localDeadline != null) localDeadline.Dispose();
                PendingCall ignored;
                pending.TryRemove(id, out ignored);
            }
        }

        static bool IsContractMethod(string method)
        {
            return method.IndexOf('/') > 0 && !method.StartsWith("$/", StringComparison.Ordinal);
        }

        /// <summary>Sends a notification (no answer).</summary>
        public Task NotifyAsync(string method, JsonObject parameters)
        {
            return SendAsync(new JsonObject().With("jsonrpc", "2.0").With("method", method)
                                             .With("params", parameters ?? new JsonObject()));
        }

        // Fails a call here and tells the server to stop it; its late answer is then dropped.
        void Abandon(long id, PipebridgeException reason)
        {
            PendingCall call;
            if (!pending.TryRemove(id, out call)) return;
            call.Completion.TrySetException(reason);
            if (IsOpen)
            {
                NotifyAsync("$/cancelRequest", new JsonObject().With("id", id)).Forget();
            }
        }

        async Task SendAsync(JsonObject message)
        {
            string text = JsonWriter.Write(message);
            try
            {
                await sendLock.WaitAsync(closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new UnavailableException("the connection to the bridge is closed (" + Description + ")");
            }
            try
            {
                await transport.SendAsync(text, closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is PipebridgeException))
            {
                var reason = new UnavailableException("cannot send to the bridge (" + Description + "): " + e.Message, null, 0, e);
                Close(reason);
                throw reason;
            }
            finally
            {
                sendLock.Release();
            }
        }

        async Task ReadLoopAsync()
        {
            Exception reason = null;
            try
            {
                while (true)
                {
                    string text = await transport.ReceiveAsync(closing.Token).ConfigureAwait(false);
                    if (text == null) break;
                    Dispatch(text);
                }
                reason = new UnavailableException("the bridge closed the connection (" + Description + ")");
            }
            catch (OperationCanceledException)
            {
                reason = null;  // Dispose
            }
            catch (Exception e)
            {
                reason = new UnavailableException("lost the connection to the bridge (" + Description + "): " + e.Message, null, 0, e);
            }
            Close(reason);
        }

        void Dispatch(string text)
        {
            JsonObject message;
            try
            {
                message = JsonReader.Parse(text) as JsonObject;
            }
            catch (JsonParseException)
            {
                return;  // not ours to answer: a peer speaking another protocol would loop forever
            }
            if (message == null) return;
            string method = message.Get("method") as string;
            if (method == null)
            {
                HandleResponse(message);
                return;
            }
            var parameters = message.Get("params") as JsonObject ?? new JsonObject();
            if (!message.ContainsKey("id"))
            {
                HandleNotification(method, parameters);
                return;
            }
            object id = message.Get("id");
            Task.Run(() => AnswerServerRequestAsync(id, method, parameters));
        }

        void HandleResponse(JsonObject message)
        {
            object rawId = message.Get("id");
            if (!(rawId is long)) return;  // ids we send are numbers; null answers a message we never sent
            PendingCall call;
            if (!pending.TryRemove((long)rawId, out call)) return;  // abandoned: cancelled or timed out here
            var error = message.Get("error") as JsonObject;
            if (error != null)
                call.Completion.TrySetException(PipebridgeException.FromRpcError(error));
            else
                call.Completion.TrySetResult(message.Get("result"));
        }

        void HandleNotification(string method, JsonObject parameters)
        {
            if (method == "$/stream")
            {
                object rawId = parameters.Get("id");
                PendingCall call;
                if (rawId is long && pending.TryGetValue((long)rawId, out call) && call.OnStreamMessage != null)
                {
                    var streamMessage = parameters.Get("message") as JsonObject ?? new JsonObject();
                    try
                    {
                        call.OnStreamMessage(streamMessage);
                    }
                    catch (Exception e)
                    {
                        // A throwing callback ends its own stream, not the connection.
                        Abandon((long)rawId, PipebridgeException.Create(StatusCode.Cancelled,
                            "the stream's message callback threw: " + e.Message, null, 0, e));
                    }
                }
                return;
            }
            var handler = OnNotification;
            if (handler != null) handler(method, parameters);
        }

        async Task AnswerServerRequestAsync(object id, string method, JsonObject parameters)
        {
            JsonObject answer = new JsonObject().With("jsonrpc", "2.0").With("id", id);
            try
            {
                var handler = OnServerRequest;
                if (handler == null)
                    throw new UnimplementedException("this client serves no \"" + method + "\" requests");
                object result = await handler(method, parameters, closing.Token).ConfigureAwait(false);
                answer["result"] = result;
            }
            catch (Exception e)
            {
                answer["error"] = ErrorObject(e);
            }
            try
            {
                await SendAsync(answer).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection went away; the server fails the request itself.
            }
        }

        /// <summary>The JSON-RPC error object a handler's exception is answered with.</summary>
        public static JsonObject ErrorObject(Exception e)
        {
            StatusCode code;
            string message = e.Message;
            var pipebridgeError = e as PipebridgeException;
            if (pipebridgeError != null) code = pipebridgeError.Code;
            else if (e is OperationCanceledException) code = StatusCode.Cancelled;
            else if (e is ArgumentException || e is FormatException) code = StatusCode.InvalidArgument;
            else if (e is NotImplementedException || e is NotSupportedException) code = StatusCode.Unimplemented;
            else if (e is TimeoutException) code = StatusCode.DeadlineExceeded;
            else { code = StatusCode.Internal; message = e.GetType().Name + ": " + e.Message; }
            var data = new JsonObject().With("status", PipebridgeException.StatusName(code));
            if (pipebridgeError != null && pipebridgeError.Details != null) data["details"] = pipebridgeError.Details;
            return new JsonObject().With("code", (long)code).With("message", message).With("data", data);
        }

        void Close(Exception reason)
        {
            if (!closed.TrySetResult(reason)) return;
            closing.Cancel();
            var failure = reason as PipebridgeException ??
                          new UnavailableException("the connection to the bridge was closed (" + Description + ")");
            foreach (var id in pending.Keys)
            {
                PendingCall call;
                if (pending.TryRemove(id, out call)) call.Completion.TrySetException(failure);
            }
            transport.Dispose();
        }

        public void Dispose()
        {
            Close(null);
        }
    }
}
