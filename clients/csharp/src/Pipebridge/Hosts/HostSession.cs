// This application attached to the bridge as a host (JSON-RPC `host.attach`): answers the
// server's `host.invoke` requests with the registered handlers, cancels them on
// `host.cancel`, heartbeats to keep its lease, and attaches again after a reconnection.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Json;

namespace Pipebridge.Hosts
{
    public sealed class HostSession : IDisposable
    {
        // The lease runs from the last heartbeat; beat several times per lease so one late
        // beat (a long frame, a GC pause) never detaches the host, but at least this often.
        static readonly TimeSpan LongestHeartbeatInterval = TimeSpan.FromSeconds(30);

        readonly PipebridgeClient client;
        readonly HostIdentity identity;
        readonly Dictionary<string, HostCommand> commands = new Dictionary<string, HostCommand>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, CancellationTokenSource> running = new ConcurrentDictionary<string, CancellationTokenSource>();
        readonly CancellationTokenSource detaching = new CancellationTokenSource();
        readonly object gate = new object();
        IDisposable reconnectHook;
        long heartbeats;
        TimeSpan? heartbeatInterval;
        CancellationTokenSource intervalChanged = new CancellationTokenSource();

        internal HostSession(PipebridgeClient client, HostIdentity identity, IEnumerable<HostCommand> offered)
        {
            this.client = client;
            this.identity = identity;
            foreach (var command in offered) commands[command.Name] = command;
        }

        /// <summary>The `Host` the bridge answered the last attach with.</summary>
        public JsonObject Host { get; private set; }

        /// <summary>Host id the bridge assigned at the last attach (a new one after each re-attach).</summary>
        public string HostId { get { var host = Host; return host != null ? host.GetString("id") : null; } }

        /// <summary>The lease: the host is detached when nothing arrives from it for this long.</summary>
        public TimeSpan Lease { get; private set; }

        /// <summary>Heartbeats answered so far (diagnostics).</summary>
        public long HeartbeatCount { get { return Interlocked.Read(ref heartbeats); } }

        /// <summary>Explicit heartbeat interval; null: a third of the lease, at most 30 s. Takes effect at once.</summary>
        public TimeSpan? HeartbeatInterval
        {
            get { lock (gate) return heartbeatInterval; }
            set
            {
                CancellationTokenSource waiting;
                lock (gate)
                {
                    heartbeatInterval = value;
                    waiting = intervalChanged;
                    intervalChanged = new CancellationTokenSource();
                }
                waiting.Cancel();  // the loop recomputes its wait
            }
        }

        /// <summary>Raised (on the thread pool) after the host attached again following a reconnection.</summary>
        public event Action<HostSession> Reattached;

        /// <summary>Raised when re-attaching after a reconnection failed, with the reason.</summary>
        public event Action<Exception> ReattachFailed;

        internal async Task AttachAsync(CancellationToken cancellation)
        {
            await SendAttachAsync(cancellation).ConfigureAwait(false);
            reconnectHook = client.OnReconnect(ReattachAsync);
            Task.Run(() => HeartbeatLoopAsync()).Forget();
        }

        async Task SendAttachAsync(CancellationToken cancellation)
        {
            var connection = await client.GetConnectionAsync(cancellation).ConfigureAwait(false);
            var hello = new JsonObject()
                .With("application", identity.Application ?? "")
                .With("applicationVersion", identity.ApplicationVersion ?? "")
                .With("pid", (long)identity.Pid)
                .With("sessionId", identity.SessionId ?? "")
                .With("user", identity.User ?? "")
                .With("displayName", identity.DisplayName ?? "")
                .With("commands", CommandsJson());
            var attached = await connection.CallAsync("host.attach", hello, client.Options.DefaultTimeout, cancellation)
                                           .ConfigureAwait(false) as JsonObject ?? new JsonObject();
            Host = attached.GetObject("host");
            Lease = TimeSpan.FromMilliseconds(attached.GetInt64("leaseMs", 600000));
        }

        async Task ReattachAsync()
        {
            if (detaching.IsCancellationRequested) return;
            try
            {
                await SendAttachAsync(detaching.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                client.Log("re-attaching host " + identity.Application + " failed: " + e.Message);
                var failed = ReattachFailed;
                if (failed != null) Background.RaiseSafely(() => failed(e));
                return;
            }
            client.Log("host " + identity.Application + " attached again as " + HostId);
            var reattached = Reattached;
            if (reattached != null) Background.RaiseSafely(() => reattached(this));
        }

        JsonArray CommandsJson()
        {
            var list = new JsonArray();
            lock (gate)
                foreach (var command in commands.Values) list.Add(command.ToJson());
            return list;
        }

        /// <summary>Replaces the commands offered (`host.updateCommands`).</summary>
        public async Task UpdateCommandsAsync(IEnumerable<HostCommand> offered, CallOptions options = null)
        {
            lock (gate)
            {
                commands.Clear();
                foreach (var command in offered) commands[command.Name] = command;
            }
            await client.SendCallAsync("host.updateCommands", new JsonObject().With("commands", CommandsJson()), options).ConfigureAwait(false);
        }

        /// <summary>Sends one heartbeat now; returns the bridge's time.</summary>
        public async Task<string> HeartbeatAsync(CallOptions options = null)
        {
            var ack = await client.SendCallAsync("host.heartbeat", new JsonObject(), options).ConfigureAwait(false);
            Interlocked.Increment(ref heartbeats);
            return ack.GetString("serverTime");
        }

        async Task HeartbeatLoopAsync()
        {
            while (!detaching.IsCancellationRequested)
            {
                TimeSpan interval = HeartbeatInterval ?? TimeSpan.FromTicks(Math.Min(Lease.Ticks / 3, LongestHeartbeatInterval.Ticks));
                if (interval < TimeSpan.FromMilliseconds(10)) interval = TimeSpan.FromMilliseconds(10);
                CancellationTokenSource changed;
                lock (gate) changed = intervalChanged;
                try
                {
                    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(detaching.Token, changed.Token))
                        await Task.Delay(interval, wait.Token).ConfigureAwait(false);
                    await HeartbeatAsync(new CallOptions(TimeSpan.FromSeconds(10), detaching.Token)).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (detaching.IsCancellationRequested) return;
                    // The interval changed: wait again with the new one.
                }
                catch (FailedPreconditionException)
                {
                    // The bridge no longer knows this host on an open connection (its lease ran out
                    // while this process was paused, say): attach again.
                    client.Log("the bridge dropped host " + identity.Application + "; attaching again");
                    await ReattachAsync().ConfigureAwait(false);
                }
                catch (PipebridgeException)
                {
                    // A drop: the reconnection attaches again and the next beat goes there.
                }
            }
        }

        internal Task ReportProgressAsync(string invocationId, double fraction, string message, JsonObject data)
        {
            var progress = new JsonObject().With("invocationId", invocationId).With("fraction", fraction)
                                           .With("message", message ?? "");
            if (data != null) progress["data"] = data;
            return client.SendCallAsync("host.progress", progress, null);
        }

        /// <summary>Answers one `host.invoke` request: the handler's result, or its error.</summary>
        internal async Task<object> InvokeAsync(JsonObject invocationJson, CancellationToken connectionClosed)
        {
            string id = invocationJson.GetString("invocationId") ?? "";
            string name = invocationJson.GetString("command") ?? "";
            HostCommand command;
            lock (gate) commands.TryGetValue(name, out command);
            if (command == null)
                throw new UnimplementedException("this host offers no command \"" + name + "\"");
            using (var cancellation = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed, detaching.Token))
            {
                var invocation = new HostInvocation(this, invocationJson, cancellation.Token);
                if (invocation.DeadlineUtc.HasValue)
                {
                    // host.cancel may be lost with a dying connection; the deadline is not.
                    TimeSpan left = invocation.DeadlineUtc.Value - DateTime.UtcNow;
                    cancellation.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                }
                running[id] = cancellation;
                try
                {
                    return await command.Handler(invocation).ConfigureAwait(false);
                }
                finally
                {
                    CancellationTokenSource ignored;
                    running.TryRemove(id, out ignored);
                }
            }
        }

        /// <summary>`host.cancel`: the caller gave up on an invocation.</summary>
        internal void Cancel(string invocationId)
        {
            CancellationTokenSource cancellation;
            if (invocationId == null || !running.TryGetValue(invocationId, out cancellation)) return;
            // Cancel runs the handler's continuations inline; off the reader thread they
            // cannot hold up the connection.
            Task.Run(() =>
            {
                try { cancellation.Cancel(); }
                catch (ObjectDisposedException) { /* it just finished */ }
            }).Forget();
        }

        /// <summary>Detaches (`host.detach`); the client stays connected.</summary>
        public async Task DetachAsync(CallOptions options = null)
        {
            Stop();
            await client.SendCallAsync("host.detach", new JsonObject(), options).ConfigureAwait(false);
            client.ForgetHost(this);
        }

        void Stop()
        {
            if (detaching.IsCancellationRequested) return;
            detaching.Cancel();
            if (reconnectHook != null) reconnectHook.Dispose();
        }

        /// <summary>Stops heartbeats, re-attachment and running handlers; the bridge detaches the host when the client disconnects.</summary>
        public void Dispose()
        {
            Stop();
            client.ForgetHost(this);
        }
    }
}
