// JSON-RPC over TCP, one JSON text per line (the bridge's `jsonrpc-tcp` endpoint). The token
// travels in `$/initialize`, which the connection sends first.
using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Pipebridge.Transport
{
    public sealed class TcpLineTransport : IMessageTransport
    {
        static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        readonly string host;
        readonly int port;
        TcpClient client;
        NetworkStream stream;
        readonly byte[] readBuffer = new byte[64 * 1024];
        int readStart, readEnd;
        MemoryStream partialLine = new MemoryStream();

        /// <param name="address">"127.0.0.1:47733" as the discovery file names it.</param>
        public TcpLineTransport(string address)
        {
            int colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address.Substring(colon + 1), out port))
                throw new ArgumentException("jsonrpc-tcp address \"" + address + "\" is not host:port");
            host = address.Substring(0, colon).Trim('[', ']');
        }

        public string Description { get { return "jsonrpc-tcp " + host + ":" + port; } }

        public async Task ConnectAsync(CancellationToken cancellation)
        {
            client = new TcpClient();
            client.NoDelay = true;  // Nagle would hold small requests back by 40 ms
            using (cancellation.Register(() => client.Close()))
            {
                try
                {
                    await client.ConnectAsync(host, port).ConfigureAwait(false);
                }
                catch (Exception) when (cancellation.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellation);
                }
            }
            stream = client.GetStream();
        }

        public Task SendAsync(string message, CancellationToken cancellation)
        {
            byte[] bytes = Utf8.GetBytes(message + "\n");
            return stream.WriteAsync(bytes, 0, bytes.Length, cancellation);
        }

        public async Task<string> ReceiveAsync(CancellationToken cancellation)
        {
            while (true)
            {
                int newline = Array.IndexOf(readBuffer, (byte)'\n', readStart, readEnd - readStart);
                if (newline >= 0)
                {
                    partialLine.Write(readBuffer, readStart, newline - readStart);
                    readStart = newline + 1;
                    string line = Utf8.GetString(partialLine.GetBuffer(), 0, (int)partialLine.Length).TrimEnd('\r');
                    partialLine.SetLength(0);
                    if (line.Length == 0) continue;  // blank lines are allowed and carry nothing
                    return line;
                }
                partialLine.Write(readBuffer, readStart, readEnd - readStart);
                readStart = readEnd = 0;
                int read;
                try
                {
                    read = await stream.ReadAsync(readBuffer, 0, readBuffer.Length, cancellation).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    return null;  // reset by the peer: the same as a close for the caller
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
                if (read == 0) return null;
                readEnd = read;
            }
        }

        public void Dispose()
        {
            if (client != null) client.Close();
        }
    }
}
