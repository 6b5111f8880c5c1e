// EventService/Subscribe that survives reconnection: after a drop it subscribes again with
// afterId = the last event it delivered, so the handler sees every event once, in order.
using System;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Json;

namespace Pipebridge
{
    public sealed class EventSubscription : IDisposable
    {
        public const string Method = "pipebridge.v1.EventService/Subscribe";

        readonly PipebridgeClient client;
        readonly JsonObject request;
        readonly Action<JsonObject> onEvent;
        readonly CancellationTokenSource stopping;
        string lastEventId;
        int resumptions;

        internal EventSubscription(PipebridgeClient client, JsonObject request, Action<JsonObject> onEvent, CancellationToken cancellation)
        {
            this.client = client;
            this.request = new JsonObject(request ?? new JsonObject());
            this.onEvent = onEvent;
            stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            Completion = Task.Run(() => RunAsync());
        }

        /// <summary>Id of the last event delivered (an int64 as a string, opaque), null before the first.</summary>
        public string LastEventId { get { return Volatile.Read(ref lastEventId); } }

        /// <summary>How many times the subscription was resumed after a drop or after falling behind.</summary>
        public int Resumptions { get { return Volatile.Read(ref resumptions); } }

        /// <summary>
        /// Completes when Dispose stops the subscription or the server ends it; faults with
        /// the PipebridgeException that ended it when it cannot resume (bad filters, client disposed).
        /// </summary>
        public Task Completion { get; private set; }

        async Task RunAsync()
        {
            while (true)
            {
                var attempt = new JsonObject(request);
                string resumeAfter = LastEventId;
                if (resumeAfter != null)
                {
                    attempt.Remove("fromBeginning");
                    attempt.Remove("from_beginning");
                    attempt.Remove("after_id");
                    attempt["afterId"] = resumeAfter;
                }
                try
                {
                    var connection = await client.GetConnectionAsync(stopping.Token).ConfigureAwait(false);
                    await connection.CallAsync(Method, attempt, null, stopping.Token, Deliver).ConfigureAwait(false);
                    return;  // the server ended the stream
                }
                catch (PipebridgeException) when (stopping.IsCancellationRequested)
                {
                    return;  // Dispose: whatever the interrupted call reports, the subscription just ends
                }
                catch (UnavailableException) when (!stopping.IsCancellationRequested && client.Options.AutoReconnect)
                {
                    // The connection dropped: GetConnectionAsync waits for the client's reconnection
                    // (the pause lets the client notice the drop first).
                    try { await Task.Delay(50, stopping.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                }
                catch (ResourceExhaustedException) when (!stopping.IsCancellationRequested)
                {
                    // Fell behind the bridge's queue: resume from the last delivered event.
                }
                catch (ObjectDisposedException)
                {
                    throw new UnavailableException("the client was disposed; the subscription ended");
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                Interlocked.Increment(ref resumptions);
                client.Log("resuming the event subscription after event " + (LastEventId ?? "(none yet)"));
            }
        }

        void Deliver(JsonObject message)
        {
            var ev = message.GetObject("event");
            if (ev == null) return;
            Volatile.Write(ref lastEventId, ev.Get("id") != null ? Convert.ToString(ev.Get("id"), System.Globalization.CultureInfo.InvariantCulture) : lastEventId);
            onEvent(ev);
        }

        public void Dispose()
        {
            stopping.Cancel();
        }
    }

    public sealed partial class PipebridgeClient
    {
        /// <summary>
        /// Subscribes to events (SubscribeEventsRequest as ProtoJSON: topics, filters, afterId,
        /// fromBeginning) and keeps the subscription through reconnections and overflows,
        /// resuming after the last delivered event. onEvent gets each Event object, in order,
        /// on the connection's reader thread: return quickly (post Unity work to a MainThreadDispatcher).
        /// A live-only subscription (no afterId, no fromBeginning) resumes without a gap only
        /// once it delivered its first event; pass afterId to be safe from the start.
        /// </summary>
        public EventSubscription SubscribeEvents(JsonObject request, Action<JsonObject> onEvent,
                                                 CancellationToken cancellation = default(CancellationToken))
        {
            if (onEvent == null) throw new ArgumentNullException("onEvent");
            return new EventSubscription(this, request, onEvent, cancellation);
        }
    }
}
