// JSON-RPC over WebSocket (the bridge's `jsonrpc-ws` endpoint, one JSON text per message).
// Mono's ClientWebSocket (Unity's too) does send `Sec-WebSocket-Protocol: pipebridge.v1,
// token.<TOKEN>` and the bridge accepts it, but when the bridge refuses the upgrade (401 for
// a wrong token) Mono reports only "Unable to connect to the remote server", with no status.
// So the upgrade offers just `pipebridge.v1` and the token travels in `$/initialize`, as on
// TCP: a wrong token is then a precise UNAUTHENTICATED answer.
using System;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Pipebridge.Transport
{
    public sealed class WebSocketTransport : IMessageTransport
    {
        static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        readonly Uri uri;
        ClientWebSocket socket;
        readonly byte[] receiveBuffer = new byte[64 * 1024];

        /// <param name="url">"ws://127.0.0.1:47732/rpc" as the discovery file names it.</param>
        public WebSocketTransport(string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
                throw new ArgumentException("jsonrpc-ws address \"" + url + "\" is not a ws:// URL");
        }

        public string Description { get { return "jsonrpc-ws " + uri; } }

        public async Task ConnectAsync(CancellationToken cancellation)
        {
            socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("pipebridge.v1");
            try
            {
                await socket.ConnectAsync(uri, cancellation).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                // Mono hides the upgrade's HTTP status (403 for a Host or Origin the bridge refuses).
                throw new UnavailableException("cannot open " + Description + ": " + e.Message, null, 0, e);
            }
        }

        public Task SendAsync(string message, CancellationToken cancellation)
        {
            byte[] bytes = Utf8.GetBytes(message);
            return socket.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, cancellation);
        }

        public async Task<string> ReceiveAsync(CancellationToken cancellation)
        {
            var message = new MemoryStream();
            while (true)
            {
                WebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(receiveBuffer), cancellation).ConfigureAwait(false);
                }
                catch (WebSocketException)
                {
                    return null;  // the peer vanished without a close frame
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(receiveBuffer, 0, result.Count);
                if (result.EndOfMessage)
                    return Utf8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }

        public void Dispose()
        {
            if (socket != null) socket.Dispose();
        }
    }
}
