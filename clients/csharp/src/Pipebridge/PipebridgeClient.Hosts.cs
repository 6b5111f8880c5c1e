// The client's side of host sessions: attach, and route the server's host.* messages.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge.Hosts;
using Pipebridge.Json;

namespace Pipebridge
{
    public sealed partial class PipebridgeClient
    {
        HostSession host;

        /// <summary>
        /// Attaches this client as a host offering commands (`host.attach`). Invocations run
        /// their command's handler on the thread pool; the session heartbeats and attaches
        /// again after reconnections. One host per client (the bridge allows one per connection):
        /// a second attach is FailedPreconditionException.
        /// </summary>
        public async Task<HostSession> AttachHostAsync(HostIdentity identity, IEnumerable<HostCommand> commands,
                                                       CancellationToken cancellation = default(CancellationToken))
        {
            if (identity == null) throw new ArgumentNullException("identity");
            if (string.IsNullOrEmpty(identity.Application))
                throw new ArgumentException("HostIdentity.Application is required (\"unity\", \"maya\", ...)");
            var session = new HostSession(this, identity, commands ?? new HostCommand[0]);
            lock (gate)
            {
                if (host != null)
                    throw new FailedPreconditionException("this client is already attached as host " + host.HostId +
                                                          "; the bridge allows one host per connection");
                host = session;
            }
            try
            {
                await session.AttachAsync(cancellation).ConfigureAwait(false);
            }
            catch
            {
                ForgetHost(session);
                throw;
            }
            return session;
        }

        internal void ForgetHost(HostSession session)
        {
            lock (gate)
                if (host == session) host = null;
        }

        Task<object> HandleServerRequestAsync(string method, JsonObject parameters, CancellationToken connectionClosed)
        {
            HostSession current;
            lock (gate) current = host;
            if (method == "host.invoke" && current != null) return current.InvokeAsync(parameters, connectionClosed);
            throw new UnimplementedException("this client serves no \"" + method + "\" requests" +
                                             (method == "host.invoke" ? " (it is not attached as a host)" : ""));
        }

        void HandleNotification(string method, JsonObject parameters)
        {
            HostSession current;
            lock (gate) current = host;
            if (method == "host.cancel" && current != null) current.Cancel(parameters.Get("invocationId") as string);
        }
    }
}
