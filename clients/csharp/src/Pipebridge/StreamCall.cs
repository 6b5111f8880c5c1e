// A running server-streaming call (generic: any streaming method of the contract).
using System;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Json;

namespace Pipebridge
{
    public sealed class StreamCall : IDisposable
    {
        readonly CancellationTokenSource cancellation;

        internal StreamCall(PipebridgeClient client, string method, JsonObject request, Action<JsonObject> onMessage, CallOptions options)
        {
            cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
            Completion = client.RunStreamAsync(method, request, onMessage, options.Timeout, cancellation.Token);
        }

        /// <summary>
        /// Completes when the server ends the stream; faults with PipebridgeException when it ends
        /// with an error, CancelledException after Cancel, UnavailableException when the connection drops.
        /// </summary>
        public Task Completion { get; private set; }

        /// <summary>Stops the stream (`$/cancelRequest`); Completion then faults with CancelledException.</summary>
        public void Cancel()
        {
            cancellation.Cancel();
        }

        public void Dispose()
        {
            Cancel();
        }
    }
}
