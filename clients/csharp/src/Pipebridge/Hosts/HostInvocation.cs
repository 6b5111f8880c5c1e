// One call of a host command, as the handler sees it.
using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Json;

namespace Pipebridge.Hosts
{
    public sealed class HostInvocation
    {
        readonly HostSession session;

        internal HostInvocation(HostSession session, JsonObject invocation, CancellationToken cancellation)
        {
            this.session = session;
            Json = invocation;
            InvocationId = invocation.GetString("invocationId");
            Command = invocation.GetString("command");
            Args = invocation.GetObject("args") ?? new JsonObject();
            CallerHost = invocation.GetString("callerHost");
            string deadline = invocation.GetString("deadline");
            DateTime parsed;
            if (deadline != null && DateTime.TryParse(deadline, CultureInfo.InvariantCulture,
                                                      DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out parsed))
                DeadlineUtc = parsed;
            Cancellation = cancellation;
        }

        public string InvocationId { get; private set; }
        public string Command { get; private set; }
        /// <summary>Arguments, already validated by the bridge against the command's ArgsSchema.</summary>
        public JsonObject Args { get; private set; }
        /// <summary>Host id of the caller when it is itself an attached host, else null or empty.</summary>
        public string CallerHost { get; private set; }
        /// <summary>When the caller stops waiting, when it said.</summary>
        public DateTime? DeadlineUtc { get; private set; }
        /// <summary>The whole `Invocation` object as received.</summary>
        public JsonObject Json { get; private set; }

        /// <summary>
        /// Cancelled when the caller gives up (`host.cancel`), its deadline passes, or the
        /// connection drops: stop the work; the answer is then ignored.
        /// </summary>
        public CancellationToken Cancellation { get; private set; }

        /// <summary>Reports progress to InvokeStream callers; fraction 0..1, or -1 when unknown.</summary>
        public Task ReportProgressAsync(double fraction, string message, JsonObject data = null)
        {
            return session.ReportProgressAsync(InvocationId, fraction, message, data);
        }
    }
}
