// JSON-RPC over WebSocket (the bridge's `jsonrpc-ws` endpoint, one JSON text per message).
// Mono's and Unity's ClientWebSocket cannot set arbitrary headers on every platform but do
// send subprotocols, so the token goes in `Sec-WebSocket-Protocol: pipebridge.v1,
// token.<TOKEN>` and the connection is authenticated from the upgrade on.
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
        readonly string token;
        ClientWebSocket socket;
        readonly byte[] receiveBuffer = new byte[64 * 1024];

        /// <param name="url">"ws://127.0.0.1:47732/rpc" as the discovery file names it.</param>
        public WebSocketTransport(string url, string token)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
                throw new ArgumentException("jsonrpc-ws address \"" + url + "\" is not a ws:// URL");
            this.token = token;
        }

        public string Description { get { return "jsonrpc-ws " + uri; } }

        public async Task ConnectAsync(CancellationToken cancellation)
        {
            socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("pipebridge.v1");
            if (!string.IsNullOrEmpty(token)) socket.Options.AddSubProtocol("token." + token);
            try
            {
                await socket.ConnectAsync(uri, cancellation).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                // The upgrade's HTTP status (401 wrong token, 403 Host/Origin) is only in the message.
                if (e.Message.Contains("401"))
                    throw new UnauthenticatedException("the bridge refused the token at " + Description, null, 0, e);
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
