// The host side of host.attach against a scripted bridge: the hello it sends, invocations
// answered by handlers, host.cancel and deadlines reaching the handler's token, progress
// and heartbeats. (HostTests runs the same against a real bridge.)
using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Hosts;
using Pipebridge.Json;

namespace Pipebridge.Tests.Unit
{
    [TestFixture]
    public class HostSessionTests
    {
        ScriptedPeer peer;
        PipebridgeClient client;
        HostSession session;
        readonly BlockingCollection<string> cancelledInvocations = new BlockingCollection<string>();

        [SetUp]
        public void Attach()
        {
            peer = new ScriptedPeer();
            var options = new PipebridgeClientOptions
            {
                Url = "tcp://127.0.0.1:1", Token = "t", AutoReconnect = false, TransportFactory = endpoint => peer,
            };
            var connecting = PipebridgeClient.ConnectAsync(options);
            var hello = peer.NextSent();
            Assert.AreEqual("$/initialize", hello.GetString("method"));
            Assert.AreEqual("t", hello.GetObject("params").GetString("token"));
            peer.Send(ScriptedPeer.Result(hello.Get("id"), new JsonObject().With("protocolVersion", 1L)));
            client = connecting.Result;

            var attaching = client.AttachHostAsync(
                new HostIdentity { Application = "unity", ApplicationVersion = "2022.3", Pid = 42, User = "ada" },
                new[]
                {
                    new HostCommand("unity.export", async inv =>
                    {
                        await inv.ReportProgressAsync(0.5, "half", new JsonObject().With("frame", 12L));
                        return new JsonObject().With("exported", inv.Args.GetString("layer"));
                    }) { Title = "Export", ArgsSchema = new JsonObject().With("type", "object") },
                    new HostCommand("unity.wait", async inv =>
                    {
                        try { await Task.Delay(TimeSpan.FromSeconds(60), inv.Cancellation); }
                        catch (OperationCanceledException) { cancelledInvocations.Add(inv.InvocationId); throw; }
                        return null;
                    }),
                });
            var attach = peer.NextSent();
            Assert.AreEqual("host.attach", attach.GetString("method"));
            var parameters = attach.GetObject("params");
            Assert.AreEqual("unity", parameters.GetString("application"));
            Assert.AreEqual(42L, parameters.Get("pid"));
            Assert.AreEqual("Export", ((JsonObject)parameters.GetArray("commands")[0]).GetString("title"));
            Assert.AreEqual("object", ((JsonObject)parameters.GetArray("commands")[0]).GetObject("argsSchema").GetString("type"));
            peer.Send(ScriptedPeer.Result(attach.Get("id"), new JsonObject()
                .With("host", new JsonObject().With("id", "h-1").With("application", "unity")).With("leaseMs", "600000")));
            session = attaching.Result;
        }

        [TearDown]
        public void Detach()
        {
            client.Dispose();
        }

        void Invoke(string requestId, string invocationId, string command, DateTime? deadline = null)
        {
            var invocation = new JsonObject().With("invocationId", invocationId).With("command", command)
                                             .With("args", new JsonObject().With("layer", "bg"));
            if (deadline.HasValue) invocation["deadline"] = deadline.Value.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("id", requestId).With("method", "host.invoke").With("params", invocation));
        }

        [Test]
        public void TheAttachedAnswerIsKept()
        {
            Assert.AreEqual("h-1", session.HostId);
            Assert.AreEqual(TimeSpan.FromMinutes(10), session.Lease);
        }

        [Test]
        public void AnInvocationReportsProgressThenAnswersWithTheResult()
        {
            Invoke("s:1", "i-1", "unity.export");
            var progress = peer.NextSent();
            Assert.AreEqual("host.progress", progress.GetString("method"));
            Assert.AreEqual("i-1", progress.GetObject("params").GetString("invocationId"));
            Assert.AreEqual(0.5, progress.GetObject("params").GetDouble("fraction"));
            Assert.AreEqual(12L, progress.GetObject("params").GetObject("data").Get("frame"));
            peer.Send(ScriptedPeer.Result(progress.Get("id"), new JsonObject()));
            var answer = peer.NextSent();
            Assert.AreEqual("s:1", answer.Get("id"));
            Assert.AreEqual("bg", answer.GetObject("result").GetString("exported"));
        }

        [Test]
        public void HostCancelCancelsTheHandlersToken()
        {
            Invoke("s:2", "i-2", "unity.wait");
            Thread.Sleep(100);
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("method", "host.cancel")
                                      .With("params", new JsonObject().With("invocationId", "i-2").With("reason", "cancelled")));
            string cancelled;
            Assert.IsTrue(cancelledInvocations.TryTake(out cancelled, TestSupport.WaitBound));
            Assert.AreEqual("i-2", cancelled);
            Assert.AreEqual(1L, peer.NextSent().GetObject("error").Get("code"), "answered CANCELLED (the bridge ignores it)");
        }

        [Test]
        public void TheInvocationDeadlineCancelsTheHandlerEvenWithoutHostCancel()
        {
            Invoke("s:3", "i-3", "unity.wait", DateTime.UtcNow.AddMilliseconds(300));
            string cancelled;
            Assert.IsTrue(cancelledInvocations.TryTake(out cancelled, TestSupport.WaitBound));
            Assert.AreEqual("i-3", cancelled);
        }

        [Test]
        public void AnUnknownCommandIsUnimplemented()
        {
            Invoke("s:4", "i-4", "unity.nope");
            var error = peer.NextSent().GetObject("error");
            Assert.AreEqual(12L, error.Get("code"));
            StringAssert.Contains("unity.nope", error.GetString("message"));
        }

        [Test]
        public void AHeartbeatTheBridgeRefusesAsNotAttachedAttachesAgain()
        {
            session.HeartbeatInterval = TimeSpan.FromMilliseconds(30);
            var heartbeat = peer.NextSent();
            Assert.AreEqual("host.heartbeat", heartbeat.GetString("method"));
            session.HeartbeatInterval = TimeSpan.FromHours(1);
            peer.Send(new JsonObject().With("jsonrpc", "2.0").With("id", heartbeat.Get("id")).With("error", new JsonObject()
                .With("code", 9L).With("message", "host.heartbeat: no host is attached on this connection")));
            var attach = peer.NextSent();
            Assert.AreEqual("host.attach", attach.GetString("method"));
            Assert.AreEqual("unity", attach.GetObject("params").GetString("application"));
            peer.Send(ScriptedPeer.Result(attach.Get("id"), new JsonObject().With("host", new JsonObject().With("id", "h-2")).With("leaseMs", "600000")));
            var deadline = DateTime.UtcNow + TestSupport.WaitBound;
            while (session.HostId != "h-2" && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.AreEqual("h-2", session.HostId);
        }

        [Test]
        public void HeartbeatsFollowTheInterval()
        {
            session.HeartbeatInterval = TimeSpan.FromMilliseconds(30);
            for (int beat = 0; beat < 3; beat++)
            {
                var heartbeat = peer.NextSent();
                Assert.AreEqual("host.heartbeat", heartbeat.GetString("method"));
                peer.Send(ScriptedPeer.Result(heartbeat.Get("id"), new JsonObject().With("serverTime", "2026-11-28T19:00:00Z")));
            }
            Assert.That(session.HeartbeatCount, Is.GreaterThanOrEqualTo(2));
        }
    }
}
