// The bridge dies and comes back on the same ports and project: clients reconnect,
// subscriptions resume after their last event with nothing lost or repeated, hosts attach
// again, and calls in flight at the drop fail with UNAVAILABLE.
using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Hosts;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests.Live
{
    [TestFixture]
    public class ReconnectTests
    {
        BridgeServer server;

        [SetUp]
        public void StartServer()
        {
            server = new BridgeServer().Start();
        }

        [TearDown]
        public void StopServer()
        {
            server.Dispose();
        }

        async Task PublishNumbered(PipebridgeClient client, string topic, int n)
        {
            await client.EventService.PublishAsync(new PublishEventRequest { Topic = topic, Payload = new JsonObject().With("n", (long)n) });
        }

        [TestCase(TransportKind.WebSocket, false)]
        [TestCase(TransportKind.Tcp, false)]
        [TestCase(TransportKind.WebSocket, true)]
        [TestCase(TransportKind.Tcp, true)]
        public async Task ASubscriptionResumesAfterItsLastEventAcrossARestart(TransportKind transport, bool graceful)
        {
            const string topic = "csharp.resume";
            using (var client = await PipebridgeClient.ConnectAsync(server.ClientOptions(transport)))
            {
                var received = new ConcurrentQueue<long>();
                int reconnections = 0;
                client.Reconnected += () => reconnections++;
                using (var subscription = client.SubscribeEvents(new JsonObject().With("topics", JsonArray.Of(topic)).With("fromBeginning", true),
                                                                 ev => received.Enqueue(ev.GetObject("payload").GetInt64("n"))))
                {
                    await PublishNumbered(client, topic, 1);
                    await PublishNumbered(client, topic, 2);
                    await TestSupport.Eventually(() => received.Count == 2, "events before the crash");

                    // Published while the subscriber is away: only the resume from afterId can deliver them.
                    server.Restart(graceful);
                    using (var other = await PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)))
                    {
                        await PublishNumbered(other, topic, 3);
                        await PublishNumbered(other, topic, 4);
                    }
                    await TestSupport.Eventually(() => received.Count >= 4, "events after the restart");
                    await PublishNumbered(client, topic, 5);
                    await TestSupport.Eventually(() => received.Count >= 5, "a live event on the new connection");
                    await Task.Delay(200);
                    CollectionAssert.AreEqual(new[] { 1L, 2L, 3L, 4L, 5L }, received.ToArray());
                    Assert.That(subscription.Resumptions, Is.GreaterThanOrEqualTo(1));
                    Assert.AreEqual(1, reconnections);
                }
            }
        }

        [Test]
        public async Task AHostAttachesAgainAndAnswersOnTheNewBridge()
        {
            using (var hostClient = await PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.WebSocket)))
            {
                var session = await hostClient.AttachHostAsync(HostFixtures.Identity("unity"), HostFixtures.Commands(hostClient, new ConcurrentQueue<string>()));
                var reattached = new TaskCompletionSource<bool>();
                session.Reattached += s => reattached.TrySetResult(true);
                session.ReattachFailed += e => reattached.TrySetException(e);

                server.Restart();
                await TestSupport.WithinBound(reattached.Task, "re-attaching");
                var answer = HostFixtures.InvokeFromPython(server, "unity", "unity.echo", "{\"text\": \"after restart\"}");
                Assert.AreEqual("after restart", answer.GetObject("result").GetObject("result").GetString("echo"), answer.ToString());
                Assert.AreEqual(session.HostId, answer.GetObject("result").GetString("hostId"));
            }
        }

        [Test]
        public async Task CallsInFlightFailUnavailableAndLaterCallsWaitForTheNewConnection()
        {
            var log = new ConcurrentQueue<string>();
            var options = server.ClientOptions(TransportKind.Tcp);
            options.Log = log.Enqueue;
            using (var client = await PipebridgeClient.ConnectAsync(options))
            {
                var stream = client.EventService.Subscribe(new SubscribeEventsRequest { Topics = { "nothing.ever" } }, m => { });
                await Task.Delay(100);
                server.Crash();
                await TestSupport.ThrowsAsync<UnavailableException>(() => stream.Completion);

                var ping = client.BridgeService.PingAsync(new PingRequest { Payload = "later" }, CallOptions.WithTimeout(TimeSpan.FromSeconds(10)));
                server.Restart();
                Assert.AreEqual("later", (await TestSupport.WithinBound(ping, "a call made while reconnecting")).Payload);
                Assert.IsTrue(client.IsConnected);
                await TestSupport.Eventually(() => log.Any(l => l.StartsWith("pipebridge: reconnected")), "the reconnection logged");
                Assert.IsTrue(log.Any(l => l.StartsWith("pipebridge: connection lost")), string.Join("\n", log));
            }
        }

        [Test]
        public async Task ASubscriptionDisposedWhileTheBridgeIsDownEndsQuietly()
        {
            using (var client = await PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)))
            {
                var subscription = client.SubscribeEvents(new JsonObject().With("topics", JsonArray.Of("nothing.ever")), e => { });
                await Task.Delay(100);
                server.Crash();
                await TestSupport.Eventually(() => !client.IsConnected, "noticing the drop");
                await Task.Delay(200);  // the subscription is now waiting for a reconnection
                subscription.Dispose();
                await TestSupport.WithinBound(subscription.Completion, "the disposed subscription");
                Assert.IsFalse(subscription.Completion.IsFaulted);
            }
        }

        [Test]
        public async Task WithoutAutoReconnectCallsFailFastOnceTheBridgeIsGone()
        {
            var options = server.ClientOptions(TransportKind.WebSocket);
            options.AutoReconnect = false;
            using (var client = await PipebridgeClient.ConnectAsync(options))
            {
                var disconnected = new TaskCompletionSource<Exception>();
                client.Disconnected += e => disconnected.TrySetResult(e);
                server.Crash();
                Assert.IsInstanceOf<UnavailableException>(await TestSupport.WithinBound(disconnected.Task, "noticing the drop"));
                await TestSupport.ThrowsAsync<UnavailableException>(() => client.BridgeService.PingAsync(new PingRequest()));
            }
        }
    }
}
