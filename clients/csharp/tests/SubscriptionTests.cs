// Event subscriptions: history then live, in order, filtered; errors end them; events
// reach a main-thread dispatcher.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Json;
using Pipebridge.Unity;
using Pipebridge.V1;

namespace Pipebridge.Tests.Live
{
    [TestFixture]
    public class SubscriptionTests
    {
        BridgeServer server;
        PipebridgeClient client;

        [TestFixtureSetUp]
        public void StartServer()
        {
            TestSupport.SetUpOrTearDown(() =>
            {
                server = new BridgeServer().Start();
                client = PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)).Result;
            }, StopServer);
        }

        [TestFixtureTearDown]
        public void StopServer()
        {
            if (client != null) client.Dispose();
            if (server != null) server.Dispose();
        }

        [Test]
        public async Task ReplaysHistoryThenGoesLiveWithoutGapOrDuplicate()
        {
            var events = new ConcurrentQueue<JsonObject>();
            using (var subscription = client.SubscribeEvents(
                new JsonObject().With("topics", JsonArray.Of("entity.Shot.created", "entity.Shot.updated")).With("fromBeginning", true),
                events.Enqueue))
            {
                await TestSupport.Eventually(() => events.Count >= 6, "the demo's six created shots");
                await client.EntityService.UpdateAsync(new UpdateEntityRequest { EntityType = "Shot", Id = 1, Data = new JsonObject().With("description", "live") });
                await TestSupport.Eventually(() => events.Count >= 7, "the live update");
                var list = events.ToList();
                CollectionAssert.AreEqual(Enumerable.Repeat("entity.Shot.created", 6), list.Take(6).Select(e => e.GetString("topic")));
                Assert.AreEqual("entity.Shot.updated", list[6].GetString("topic"));
                Assert.AreEqual("live", list[6].GetObject("payload").GetObject("changes").GetObject("description").GetString("new"));
                var ids = list.Select(e => e.GetInt64("id")).ToList();
                CollectionAssert.AreEqual(ids.OrderBy(i => i), ids);
                CollectionAssert.AllItemsAreUnique(ids);
                Assert.AreEqual(ids.Last().ToString(), subscription.LastEventId);
                Assert.AreEqual(0, subscription.Resumptions);
            }
        }

        [Test]
        public async Task FiltersOverPayloadFieldsSelectEvents()
        {
            var events = new ConcurrentQueue<JsonObject>();
            var start = (await client.EventService.PublishAsync(new PublishEventRequest { Topic = "csharp.filter.start" })).Event.Id;
            using (client.SubscribeEvents(new JsonObject()
                       .With("topics", JsonArray.Of("csharp.filter.*"))
                       .With("filters", JsonArray.Of(JsonArray.Of("payload.colour", "is", "red")))
                       .With("afterId", start.ToString()), events.Enqueue))
            {
                foreach (var colour in new[] { "blue", "red", "green", "red" })
                    await client.EventService.PublishAsync(new PublishEventRequest { Topic = "csharp.filter.paint", Payload = new JsonObject().With("colour", colour) });
                await TestSupport.Eventually(() => events.Count >= 2, "the two red events");
                await Task.Delay(200);  // nothing else may follow
                Assert.AreEqual(2, events.Count);
                Assert.IsTrue(events.All(e => e.GetObject("payload").GetString("colour") == "red"));
            }
        }

        [Test]
        public async Task ABadFilterEndsTheSubscriptionWithThePreciseError()
        {
            var subscription = client.SubscribeEvents(new JsonObject().With("filters", JsonArray.Of(JsonArray.Of("payload.x", "iss", 1))), e => { });
            var error = await TestSupport.ThrowsAsync<InvalidArgumentException>(() => subscription.Completion);
            StringAssert.Contains("filters[0][1]", error.Message);
        }

        [Test]
        public async Task DisposingStopsTheSubscriptionQuietly()
        {
            var subscription = client.SubscribeEvents(new JsonObject().With("topics", JsonArray.Of("nothing.ever")), e => { });
            await Task.Delay(100);
            subscription.Dispose();
            await TestSupport.WithinBound(subscription.Completion, "the disposed subscription");
            Assert.IsFalse(subscription.Completion.IsFaulted);
        }

        [Test]
        public async Task EventsPostedToADispatcherRunOnTheDrainingThread()
        {
            var dispatcher = new MainThreadDispatcher();
            var seen = new List<string>();
            int drainingThread = -1;
            bool offThread = false;
            var after = (await client.EventService.PublishAsync(new PublishEventRequest { Topic = "csharp.dispatch.start" })).Event.Id;
            using (client.SubscribeEvents(new JsonObject().With("topics", JsonArray.Of("csharp.dispatch.item")).With("afterId", after.ToString()),
                                          ev => dispatcher.Post(() =>
                                          {
                                              offThread |= Thread.CurrentThread.ManagedThreadId != drainingThread;
                                              seen.Add(ev.GetObject("payload").GetString("name"));
                                          })))
            {
                foreach (var name in new[] { "a", "b", "c" })
                    await client.EventService.PublishAsync(new PublishEventRequest { Topic = "csharp.dispatch.item", Payload = new JsonObject().With("name", name) });
                var deadline = DateTime.UtcNow + TestSupport.WaitBound;
                drainingThread = Thread.CurrentThread.ManagedThreadId;  // the loop below never awaits
                while (seen.Count < 3 && DateTime.UtcNow < deadline)
                {
                    dispatcher.Drain();  // this test's thread plays Unity's Update
                    Thread.Sleep(10);
                }
            }
            CollectionAssert.AreEqual(new[] { "a", "b", "c" }, seen);
            Assert.IsFalse(offThread);
        }
    }
}
