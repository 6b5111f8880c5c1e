// Per-call deadline and cancellation.
using System;
using System.Threading;

namespace Pipebridge
{
    public sealed class CallOptions
    {
        /// <summary>
        /// How long the call may take; sent as `$meta.timeoutMs`, enforced by the bridge
        /// (DeadlineExceededException). Null: the client's DefaultTimeout for unary calls,
        /// no deadline for streams.
        /// </summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Cancels the call: the bridge is told (`$/cancelRequest`) and the call fails with CancelledException.</summary>
        public CancellationToken Cancellation { get; set; }

        public CallOptions() { }

        public CallOptions(TimeSpan timeout, CancellationToken cancellation = default(CancellationToken))
        {
            Timeout = timeout;
            Cancellation = cancellation;
        }

        public static CallOptions WithTimeout(TimeSpan timeout)
        {
            return new CallOptions(timeout);
        }

        public static CallOptions WithCancellation(CancellationToken cancellation)
        {
            return new CallOptions { Cancellation = cancellation };
        }
    }
}
