// How a client finds, reaches and stays connected to the bridge.
using System;
using Pipebridge.Transport;

namespace Pipebridge
{
    public enum TransportKind
    {
        /// <summary>JSON-RPC over WebSocket (`jsonrpc-ws`), subprotocol pipebridge.v1.</summary>
        WebSocket,
        /// <summary>JSON-RPC over TCP, one JSON text per line (`jsonrpc-tcp`).</summary>
        Tcp,
    }

    public sealed class PipebridgeClientOptions
    {
        /// <summary>Folder of bridge.json; null: PIPEBRIDGE_URL, else the default folder (BridgeDiscovery).</summary>
        public string DiscoveryDirectory { get; set; }

        /// <summary>Connect here instead of discovering (ws://... or tcp://host:port); needs Token.</summary>
        public string Url { get; set; }

        public string Token { get; set; }

        /// <summary>The transport to use when the bridge serves both (default WebSocket).</summary>
        public TransportKind Transport { get; set; }

        /// <summary>Deadline of unary calls whose CallOptions name none (the bridge's own default is 30 s).</summary>
        public TimeSpan DefaultTimeout { get; set; }

        /// <summary>Bound on opening a connection and its `$/initialize` handshake.</summary>
        public TimeSpan ConnectTimeout { get; set; }

        /// <summary>
        /// Reconnect when the connection drops: subscriptions resume after their last event,
        /// attached hosts attach again. Calls in flight at the drop fail with UnavailableException;
        /// calls made while reconnecting wait for the new connection within their deadline.
        /// </summary>
        public bool AutoReconnect { get; set; }

        /// <summary>First wait between reconnection attempts; doubles up to ReconnectMaxDelay.</summary>
        public TimeSpan ReconnectMinDelay { get; set; }

        public TimeSpan ReconnectMaxDelay { get; set; }

        /// <summary>
        /// Creates the transport for a discovered endpoint; null: WebSocket or TCP as Transport
        /// says. For transports of other runtimes (a Unity WebGL socket) and for tests.
        /// </summary>
        public Func<BridgeEndpoint, IMessageTransport> TransportFactory { get; set; }

        /// <summary>
        /// Receives one line per connection event the client handles by itself (connection lost,
        /// reconnection attempts and their failures, subscriptions resumed, hosts re-attached),
        /// from any thread. Null: silent. In Unity: line => Debug.Log(line).
        /// </summary>
        public Action<string> Log { get; set; }

        /// <summary>Sent in `$/initialize` (the bridge logs it).</summary>
        public string ClientName { get; set; }

        public string ClientVersion { get; set; }

        public PipebridgeClientOptions()
        {
            Transport = TransportKind.WebSocket;
            DefaultTimeout = TimeSpan.FromSeconds(30);
            ConnectTimeout = TimeSpan.FromSeconds(10);
            AutoReconnect = true;
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100);
            ReconnectMaxDelay = TimeSpan.FromSeconds(5);
            ClientName = "pipebridge-csharp";
            ClientVersion = PipebridgeClient.LibraryVersion;
        }
    }
}
