// The connection's JSON-RPC behaviour against a scripted peer: matching answers to calls,
// deadlines, cancellation, streams, and requests from the server (host.invoke).
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Json;

namespace Pipebridge.Tests.Unit
{
    [TestFixture]
    public class JsonRpcConnectionTests
    {
        ScriptedPeer peer;
        JsonRpcConnection connection;

        [SetUp]
        public void Open()
        {
            peer = new ScriptedPeer();
            connection = new JsonRpcConnection(peer);
            connection.OpenAsync(CancellationToken.None).Wait();
        }

        [TearDown]
        public void Close()
        {
            connection.Dispose();
        }

        Task<object> Call(string method, TimeSpan? timeout = null, CancellationToken cancellation = default(CancellationToken),
                          Action<JsonObject> onStream = null)
        {
            return connection.CallAsync(method, new JsonObject().With("payload", method), timeout, cancellation, onStream);
        }

        [Test]
        public async Task AnswersInAnyOrderReachTheirOwnCalls()
        {
            var first = Call("pipebridge.v1.BridgeService/Ping");
            var second = Call("pipebridge.v1.BridgeService/Ping");
            var sentFirst = peer.NextSent();
            var sentSecond = peer.NextSent();
            Assert.AreEqual("2.0", sentFirst.GetString("jsonrpc"));
            Assert.AreNotEqual(sentFirst.Get("id"), sentSecond.Get("id"));
            peer.Send(ScriptedPeer.Result(sentSecond.Get("id"), "two"));
            peer.Send(ScriptedPeer.Result(sentFirst.Get("id"), "one"));
            Assert.AreEqual("one", await TestSupport.WithinBound(first, "the first call"));
            Assert.AreEqual("two", await TestSupport.WithinBound(second, "the second call"));
        }

        [Test]
        public async Task ContractCallsCarryTheirDeadlineAndProtocolCallsDoNot()
        {
            var call = Call("pipebridge.v1.BridgeService/Ping", TimeSpan.FromMilliseconds(1500));
            var sent = peer.NextSent();
            Assert.AreEqual(1500L, sent.GetObject("params").GetObject("$meta").Get("timeoutMs"));
            Assert.AreEqual("pipebridge.v1.BridgeService/Ping", sent.GetObject("params").GetString("payload"), "params kept");
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("id", sent.Get("id")).With("error", new JsonObject()
                .With("code", 4L).With("message", "deadline exceeded").With("data", new JsonObject().With("status", "DEADLINE_EXCEEDED"))));
            Assert.AreEqual(4, (await TestSupport.ThrowsAsync<DeadlineExceededException>(() => call)).RpcCode);

            var heartbeat = Call("host.heartbeat", TimeSpan.FromMilliseconds(1500));
            Assert.IsFalse(peer.NextSent().GetObject("params").ContainsKey("$meta"));
            peer.Send(ScriptedPeer.Result(2L, new JsonObject()));
            await TestSupport.WithinBound(heartbeat, "the heartbeat");
        }

        [Test]
        public async Task APeerThatNeverAnswersFailsTheCallAtItsDeadlineAndIsToldToStop()
        {
            var started = DateTime.UtcNow;
            var call = Call("host.heartbeat", TimeSpan.FromMilliseconds(200));
            var sent = peer.NextSent();
            var error = await TestSupport.ThrowsAsync<DeadlineExceededException>(() => call);
            Assert.That(DateTime.UtcNow - started, Is.InRange(TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(2)));
            StringAssert.Contains("host.heartbeat", error.Message);
            Assert.IsFalse(error.FromBridge);
            var cancel = peer.NextSent();
            Assert.AreEqual("$/cancelRequest", cancel.GetString("method"));
            Assert.AreEqual(sent.Get("id"), cancel.GetObject("params").Get("id"));
            Assert.IsFalse(cancel.ContainsKey("id"), "a notification");
            peer.Send(ScriptedPeer.Result(sent.Get("id"), "late"));  // dropped, not a crash
            Assert.IsTrue(connection.IsOpen);
        }

        [Test]
        public async Task CancellingACallFailsItAtOnceAndCancelsItOnTheServer()
        {
            using (var cancel = new CancellationTokenSource())
            {
                var call = Call("pipebridge.v1.BridgeService/Ping", null, cancel.Token);
                var sent = peer.NextSent();
                cancel.Cancel();
                await TestSupport.ThrowsAsync<CancelledException>(() => call);
                Assert.AreEqual(sent.Get("id"), peer.NextSent().GetObject("params").Get("id"));
            }
        }

        [Test]
        public async Task StreamMessagesReachTheirCallInOrderUntilTheFinalAnswer()
        {
            var received = new ConcurrentQueue<long>();
            var stream = Call("pipebridge.v1.EventService/Subscribe", null, default(CancellationToken), m => received.Enqueue(m.GetInt64("n")));
            var id = peer.NextSent().Get("id");
            for (long n = 1; n <= 3; n++)
                peer.Send(new JsonObject().With("jsonrpc", "2.0").With("method", "$/stream")
                                          .With("params", new JsonObject().With("id", id).With("message", new JsonObject().With("n", n))));
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("method", "$/stream")
                                      .With("params", new JsonObject().With("id", 999L).With("message", new JsonObject())));  // no such call
            peer.Send(ScriptedPeer.Result(id, new JsonObject()));
            await TestSupport.WithinBound(stream, "the stream");
            CollectionAssert.AreEqual(new[] { 1L, 2L, 3L }, received);
        }

        [Test]
        public async Task AThrowingStreamCallbackEndsOnlyItsOwnStream()
        {
            var stream = Call("pipebridge.v1.EventService/Subscribe", null, default(CancellationToken), m => { throw new InvalidOperationException("bad handler"); });
            var id = peer.NextSent().Get("id");
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("method", "$/stream")
                                      .With("params", new JsonObject().With("id", id).With("message", new JsonObject())));
            StringAssert.Contains("bad handler", (await TestSupport.ThrowsAsync<CancelledException>(() => stream)).Message);
            Assert.AreEqual("$/cancelRequest", peer.NextSent().GetString("method"));
            var ping = Call("pipebridge.v1.BridgeService/Ping");
            peer.Send(ScriptedPeer.Result(peer.NextSent().Get("id"), "alive"));
            Assert.AreEqual("alive", await TestSupport.WithinBound(ping, "a call after the failed stream"));
        }

        [Test]
        public void ServerRequestsAreAnsweredWithTheirIdAndTheHandlersResultOrError()
        {
            connection.OnServerRequest = (method, parameters, closed) =>
            {
                if (parameters.GetString("command") == "fail") throw new NotFoundException("no layer named bg");
                return Task.FromResult<object>(new JsonObject().With("ran", parameters.GetString("command")));
            };
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("id", "s:1").With("method", "host.invoke")
                                      .With("params", new JsonObject().With("command", "export")));
            var answer = peer.NextSent();
            Assert.AreEqual("s:1", answer.Get("id"));
            Assert.AreEqual("export", answer.GetObject("result").GetString("ran"));

            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("id", "s:2").With("method", "host.invoke")
                                      .With("params", new JsonObject().With("command", "fail")));
            var error = peer.NextSent();
            Assert.AreEqual("s:2", error.Get("id"));
            Assert.AreEqual(5L, error.GetObject("error").Get("code"));
            Assert.AreEqual("NOT_FOUND", error.GetObject("error").GetObject("data").GetString("status"));
        }

        [Test]
        public void RequestsNobodyServesAreUnimplemented()
        {
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("id", "s:9").With("method", "host.invoke").With("params", new JsonObject()));
            Assert.AreEqual(12L, peer.NextSent().GetObject("error").Get("code"));
        }

        [Test]
        public async Task NotificationsReachTheirHandlerAndGarbageIsIgnored()
        {
            var cancels = new BlockingCollection<string>();
            connection.OnNotification = (method, parameters) => cancels.Add(method + " " + parameters.GetString("invocationId"));
            peer.SendRaw("this is not json");
            peer.SendRaw("[1,2]");
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("method", "host.cancel").With("params", new JsonObject().With("invocationId", "i7")));
            string seen;
            Assert.IsTrue(cancels.TryTake(out seen, TestSupport.WaitBound));
            Assert.AreEqual("host.cancel i7", seen);
            Assert.IsTrue(connection.IsOpen);
            Assert.IsTrue(peer.SendsNothingFor(TimeSpan.FromMilliseconds(100)), "notifications and garbage get no answer");
            await Task.FromResult(0);
        }

        [Test]
        public async Task ThePeerClosingFailsEveryCallInFlightWithUnavailable()
        {
            var call = Call("pipebridge.v1.BridgeService/Ping");
            peer.NextSent();
            peer.Close();
            StringAssert.Contains("closed the connection", (await TestSupport.ThrowsAsync<UnavailableException>(() => call)).Message);
            Assert.IsInstanceOf<UnavailableException>(await TestSupport.WithinBound(connection.Closed, "the close"));
            await TestSupport.ThrowsAsync<UnavailableException>(() => Call("pipebridge.v1.BridgeService/Ping"));
        }
    }
}
