// One JSON-RPC message in, one out: what the connection needs of a socket.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipebridge.Transport
{
    public interface IMessageTransport : IDisposable
    {
        /// <summary>Opens the connection (authenticated at the upgrade where the transport can).</summary>
        Task ConnectAsync(CancellationToken cancellation);

        /// <summary>Sends one message. Not safe for concurrent use: the connection serializes sends.</summary>
        Task SendAsync(string message, CancellationToken cancellation);

        /// <summary>The next whole message, or null once the peer closed the connection.</summary>
        Task<string> ReceiveAsync(CancellationToken cancellation);

        /// <summary>Where it connects, for messages ("tcp 127.0.0.1:47733").</summary>
        string Description { get; }
    }
}
