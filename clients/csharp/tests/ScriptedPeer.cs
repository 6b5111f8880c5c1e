// An in-memory transport whose far end the test plays: it reads what the client sent and
// answers by hand, to pin down the connection's JSON-RPC behaviour message by message.
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Json;
using Pipebridge.Transport;

namespace Pipebridge.Tests
{
    sealed class ScriptedPeer : IMessageTransport
    {
        readonly BlockingCollection<string> toClient = new BlockingCollection<string>();
        readonly BlockingCollection<string> fromClient = new BlockingCollection<string>();

        public string Description { get { return "scripted peer"; } }

        public Task ConnectAsync(CancellationToken cancellation) { return Task.FromResult(true); }

        public Task SendAsync(string message, CancellationToken cancellation)
        {
            fromClient.Add(message);
            return Task.FromResult(true);
        }

        public Task<string> ReceiveAsync(CancellationToken cancellation)
        {
            return Task.Run(() =>
            {
                string message;
                try
                {
                    return toClient.TryTake(out message, Timeout.Infinite, cancellation) ? message : null;
                }
                catch (InvalidOperationException)
                {
                    return null;  // CompleteAdding: the peer closed
                }
            });
        }

        /// <summary>The next message the client sent, within the tests' wait bound.</summary>
        public JsonObject NextSent()
        {
            string message;
            if (!fromClient.TryTake(out message, TestSupport.WaitBound)) Assert.Fail("the client sent nothing");
            return JsonReader.ParseObject(message);
        }

        /// <summary>True when the client sends nothing for a while.</summary>
        public bool SendsNothingFor(TimeSpan quiet)
        {
            string message;
            return !fromClient.TryTake(out message, quiet);
        }

        public void Send(JsonObject message) { toClient.Add(JsonWriter.Write(message)); }

        public void SendRaw(string text) { toClient.Add(text); }

        public void Close() { toClient.CompleteAdding(); }

        public void Dispose() { }

        public static JsonObject Result(object id, object result)
        {
            return new JsonObject().With("jsonrpc", "2.0").With("id", id).With("result", result);
        }
    }
}
