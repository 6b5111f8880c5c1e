// The C# client: a JSON-RPC connection to the bridge with deadlines, cancellation,
// reconnection, resumable event subscriptions and host sessions. The typed service
// properties (client.EntityService.FindAsync, ...) are generated from the contract into
// Services.g.cs at build time; this file is what they call.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Json;
using Pipebridge.Transport;

namespace Pipebridge
{
    public sealed partial class PipebridgeClient : IDisposable
    {
        public const string LibraryVersion = "0.1.0";

        /// <summary>The wire protocol version this client speaks.</summary>
        public const int ProtocolVersion = 1;

        readonly PipebridgeClientOptions options;
        readonly object gate = new object();
        readonly CancellationTokenSource disposing = new CancellationTokenSource();
        readonly List<Func<Task>> reconnectHooks = new List<Func<Task>>();
        JsonRpcConnection connection;
        // Completed with the open connection; replaced by a pending one while reconnecting.
        TaskCompletionSource<JsonRpcConnection> ready;

        PipebridgeClient(PipebridgeClientOptions options)
        {
            this.options = options;
            ready = new TaskCompletionSource<JsonRpcConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public PipebridgeClientOptions Options { get { return options; } }

        /// <summary>The `$/initialize` result of the current connection.</summary>
        public JsonObject ServerInfo { get; private set; }

        /// <summary>Raised (on the thread pool) after every successful reconnection, once subscriptions and hosts are resumed.</summary>
        public event Action Reconnected;

        /// <summary>Raised when the connection drops, with the reason.</summary>
        public event Action<Exception> Disconnected;

        /// <summary>
        /// Finds the bridge (options, PIPEBRIDGE_URL or the discovery file), connects and
        /// performs the version handshake. Throws UnavailableException when no bridge answers,
        /// UnauthenticatedException for a wrong token, FailedPreconditionException for a
        /// bridge speaking another protocol version.
        /// </summary>
        public static async Task<PipebridgeClient> ConnectAsync(PipebridgeClientOptions options = null,
                                                               CancellationToken cancellation = default(CancellationToken))
        {
            var client = new PipebridgeClient(options ?? new PipebridgeClientOptions());
            await client.OpenConnectionAsync(cancellation).ConfigureAwait(false);
            return client;
        }

        async Task OpenConnectionAsync(CancellationToken cancellation)
        {
            BridgeEndpoint endpoint = options.Url != null
                ? BridgeDiscovery.FromUrl(options.Url, options.Token)
                : BridgeDiscovery.Find(options.DiscoveryDirectory);
            if (options.Token != null) endpoint.Token = options.Token;
            var transport = options.TransportFactory != null ? options.TransportFactory(endpoint) : CreateTransport(endpoint);
            var opened = new JsonRpcConnection(transport);
            opened.OnServerRequest = HandleServerRequestAsync;
            opened.OnNotification = HandleNotification;
            using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation, disposing.Token))
            {
                bounded.CancelAfter(options.ConnectTimeout);
                try
                {
                    await opened.OpenAsync(bounded.Token).ConfigureAwait(false);
                    var hello = new JsonObject()
                        .With("token", endpoint.Token ?? "")
                        .With("client", new JsonObject().With("name", options.ClientName).With("version", options.ClientVersion))
                        .With("protocolVersion", (long)ProtocolVersion);
                    var info = await opened.CallAsync("$/initialize", hello, options.ConnectTimeout, bounded.Token)
                                           .ConfigureAwait(false) as JsonObject ?? new JsonObject();
                    long served = info.GetInt64("protocolVersion");
                    if (served != ProtocolVersion)  // the bridge refuses first; this guards a peer that does not
                        throw new FailedPreconditionException("the bridge speaks protocol version " + served +
                                                              ", this client version " + ProtocolVersion);
                    ServerInfo = info;
                }
                catch (Exception e)
                {
                    opened.Dispose();
                    if (e is PipebridgeException) throw;
                    if (e is OperationCanceledException && !cancellation.IsCancellationRequested)
                        throw new UnavailableException("the bridge at " + transport.Description + " did not answer within " +
                                                       options.ConnectTimeout.TotalSeconds + " s", null, 0, e);
                    if (e is OperationCanceledException) throw;
                    throw new UnavailableException("cannot connect to the bridge at " + transport.Description + ": " + e.Message, null, 0, e);
                }
            }
            lock (gate)
            {
                if (disposing.IsCancellationRequested)
                {
                    opened.Dispose();  // disposed while this reconnection was under way
                    throw new ObjectDisposedException("PipebridgeClient");
                }
                connection = opened;
                ready.TrySetResult(opened);
            }
            opened.Closed.ContinueWith(t => OnConnectionClosed(opened, t.Result), TaskScheduler.Default).Forget();
        }

        // The preferred transport when the bridge serves it, else the other one (a bridge
        // started with --http-port -1, or a tcp:// URL).
        IMessageTransport CreateTransport(BridgeEndpoint endpoint)
        {
            bool tcp = options.Transport == TransportKind.Tcp ? endpoint.TcpAddress != null : endpoint.WebSocketUrl == null;
            if (tcp && endpoint.TcpAddress != null) return new TcpLineTransport(endpoint.TcpAddress);
            if (!tcp && endpoint.WebSocketUrl != null) return new WebSocketTransport(endpoint.WebSocketUrl);
            throw new UnavailableException("the bridge serves neither JSON-RPC over WebSocket (jsonrpc-ws) nor over TCP (jsonrpc-tcp)");
        }

        void OnConnectionClosed(JsonRpcConnection closedConnection, Exception reason)
        {
            lock (gate)
            {
                if (connection != closedConnection) return;
                connection = null;
                ready = new TaskCompletionSource<JsonRpcConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (disposing.IsCancellationRequested || !options.AutoReconnect)
                {
                    ready.TrySetException(reason ?? new UnavailableException("the client was disposed"));
                }
            }
            Log("connection lost: " + (reason != null ? reason.Message : "closed") +
                (options.AutoReconnect && !disposing.IsCancellationRequested ? "; reconnecting" : ""));
            var disconnected = Disconnected;
            if (disconnected != null) Background.RaiseSafely(() => disconnected(reason));
            if (!disposing.IsCancellationRequested && options.AutoReconnect)
                Task.Run(() => ReconnectLoopAsync()).Forget();
        }

        async Task ReconnectLoopAsync()
        {
            TimeSpan delay = options.ReconnectMinDelay;
            while (!disposing.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(delay, disposing.Token).ConfigureAwait(false);
                    // Rediscovered each time: a restarted bridge has a new token, maybe new ports.
                    await OpenConnectionAsync(disposing.Token).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (Exception e)
                {
                    Log("reconnecting failed (" + e.Message + "); next attempt in " + (long)delay.TotalMilliseconds * 2 + " ms at most");
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ReconnectMaxDelay.Ticks));
                }
            }
            if (disposing.IsCancellationRequested) return;
            JsonRpcConnection current;
            lock (gate) current = connection;
            Log("reconnected" + (current != null ? " (" + current.Description + ")" : ""));
            Func<Task>[] hooks;
            lock (gate) hooks = reconnectHooks.ToArray();
            foreach (var hook in hooks)
            {
                try { await hook().ConfigureAwait(false); }
                catch (Exception) { /* each hook reports its own failures */ }
            }
            Background.RaiseSafely(Reconnected);
        }

        /// <summary>Writes a line to Options.Log, if any; a throwing logger is ignored.</summary>
        internal void Log(string line)
        {
            var log = options.Log;
            if (log != null) Background.RaiseSafely(() => log("pipebridge: " + line));
        }

        /// <summary>Runs after each reconnection, before Reconnected (subscriptions and hosts resume here).</summary>
        internal IDisposable OnReconnect(Func<Task> hook)
        {
            lock (gate) reconnectHooks.Add(hook);
            return new Unregister(() => { lock (gate) reconnectHooks.Remove(hook); });
        }

        /// <summary>The open connection, waiting for a reconnection within the caller's bound.</summary>
        internal async Task<JsonRpcConnection> GetConnectionAsync(CancellationToken cancellation)
        {
            Task<JsonRpcConnection> current;
            lock (gate)
            {
                if (disposing.IsCancellationRequested) throw new ObjectDisposedException("PipebridgeClient");
                current = ready.Task;
            }
            if (current.IsCompleted) return await current.ConfigureAwait(false);
            var gaveUp = new TaskCompletionSource<bool>();
            using (cancellation.Register(() => gaveUp.TrySetResult(true)))
            {
                if (await Task.WhenAny(current, gaveUp.Task).ConfigureAwait(false) != current)
                    throw new UnavailableException("the bridge is not reachable (reconnecting)");
            }
            return await current.ConfigureAwait(false);
        }

        /// <summary>True while a connection is open.</summary>
        public bool IsConnected
        {
            get { lock (gate) return connection != null && connection.IsOpen; }
        }

        /// <summary>
        /// Calls a unary method by full name ("pipebridge.v1.BridgeService/Ping") with a
        /// ProtoJSON request and returns the ProtoJSON response. Every call has a deadline
        /// (CallOptions.Timeout, else Options.DefaultTimeout). Throws PipebridgeException
        /// (a subclass per common code) for every failure.
        /// </summary>
        public Task<JsonObject> CallAsync(string method, JsonObject request, CallOptions callOptions = null)
        {
            RequireMethodName(method);
            return SendCallAsync(method, request, callOptions);
        }

        /// <summary>CallAsync for any method, the protocol's own (host.*) included.</summary>
        internal async Task<JsonObject> SendCallAsync(string method, JsonObject request, CallOptions callOptions)
        {
            callOptions = callOptions ?? new CallOptions();
            TimeSpan timeout = callOptions.Timeout ?? options.DefaultTimeout;
            var started = DateTime.UtcNow;
            JsonRpcConnection open;
            using (var waitBound = CancellationTokenSource.CreateLinkedTokenSource(callOptions.Cancellation))
            {
                waitBound.CancelAfter(timeout);
                open = await GetConnectionAsync(waitBound.Token).ConfigureAwait(false);
            }
            // Time spent waiting for a reconnection counts against the deadline.
            TimeSpan left = timeout - (DateTime.UtcNow - started);
            if (left <= TimeSpan.Zero)
                throw new DeadlineExceededException(method + ": the deadline passed while reconnecting to the bridge");
            // A call that did not wait travels with its whole deadline (and messages name it as given).
            if (timeout - left < TimeSpan.FromMilliseconds(50)) left = timeout;
            object result = await open.CallAsync(method, request, left, callOptions.Cancellation).ConfigureAwait(false);
            return result as JsonObject ?? new JsonObject();
        }

        /// <summary>
        /// Starts a server-streaming method; onMessage gets each message in order on the
        /// connection's reader thread (return quickly: post to a MainThreadDispatcher for
        /// Unity work). Not resumed on reconnection: see SubscribeEvents for that.
        /// </summary>
        public StreamCall Stream(string method, JsonObject request, Action<JsonObject> onMessage, CallOptions callOptions = null)
        {
            RequireMethodName(method);
            if (onMessage == null) throw new ArgumentNullException("onMessage");
            return new StreamCall(this, method, request, onMessage, callOptions ?? new CallOptions());
        }

        static void RequireMethodName(string method)
        {
            if (string.IsNullOrEmpty(method) || method.IndexOf('/') <= 0)
                throw new ArgumentException("method \"" + method + "\" is not a full name like \"pipebridge.v1.BridgeService/Ping\"", "method");
        }

        internal async Task RunStreamAsync(string method, JsonObject request, Action<JsonObject> onMessage,
                                           TimeSpan? timeout, CancellationToken cancellation)
        {
            var open = await GetConnectionAsync(cancellation).ConfigureAwait(false);
            await open.CallAsync(method, request, timeout, cancellation, onMessage).ConfigureAwait(false);
        }

        public void Dispose()
        {
            JsonRpcConnection current;
            lock (gate)
            {
                if (disposing.IsCancellationRequested) return;
                disposing.Cancel();
                current = connection;
                connection = null;
                ready.TrySetException(new ObjectDisposedException("PipebridgeClient"));
            }
            if (current != null) current.Dispose();
        }

        sealed class Unregister : IDisposable
        {
            Action action;
            public Unregister(Action action) { this.action = action; }
            public void Dispose()
            {
                var run = Interlocked.Exchange(ref action, null);
                if (run != null) run();
            }
        }
    }
}
