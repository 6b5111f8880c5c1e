// Failures reach the caller as typed exceptions with precise messages; deadlines and
// cancellation end calls at once.
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests.Live
{
    [TestFixture]
    public class ErrorAndDeadlineTests
    {
        BridgeServer server;
        PipebridgeClient client;

        [TestFixtureSetUp]
        public void StartServer()
        {
            TestSupport.SetUpOrTearDown(() =>
            {
                server = new BridgeServer().Start();
                client = PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.WebSocket)).Result;
            }, StopServer);
        }

        [TestFixtureTearDown]
        public void StopServer()
        {
            if (client != null) client.Dispose();
            if (server != null) server.Dispose();
        }

        [Test]
        public async Task AMissingRecordIsNotFound()
        {
            var error = await TestSupport.ThrowsAsync<NotFoundException>(() =>
                client.EntityService.GetAsync(new GetEntityRequest { EntityType = "Shot", Id = 424242 }));
            Assert.AreEqual(StatusCode.NotFound, error.Code);
            StringAssert.Contains("424242", error.Message);
        }

        [Test]
        public async Task BadFiltersNameTheOffendingElement()
        {
            var error = await TestSupport.ThrowsAsync<InvalidArgumentException>(() => client.EntityService.FindAsync(new FindEntitiesRequest
            {
                EntityType = "Shot", Filters = JsonArray.Of(JsonArray.Of("code", "iss", "sh010")),
            }));
            Assert.AreEqual(3, error.RpcCode);
            StringAssert.Contains("filters[0][1]", error.Message);
        }

        [Test]
        public async Task UnknownFieldsAreRefusedNotDropped()
        {
            var request = new FindEntitiesRequest { EntityType = "Shot" };
            request.Json["colour"] = "red";
            var error = await TestSupport.ThrowsAsync<InvalidArgumentException>(() => client.EntityService.FindAsync(request));
            Assert.AreEqual(-32602, error.RpcCode, "params that do not decode");
            StringAssert.Contains("colour", error.Message);
        }

        [Test]
        public void AMethodThatIsNoFullNameIsRefusedBeforeSending()
        {
            StringAssert.Contains("pipebridge.v1.BridgeService/Ping", Assert.Throws<ArgumentException>(() =>
                client.CallAsync("Ping", new JsonObject())).Message);
            Assert.Throws<ArgumentNullException>(() => client.Stream("pipebridge.v1.EventService/Subscribe", new JsonObject(), null));
        }

        [Test]
        public async Task AnUnknownMethodIsUnimplemented()
        {
            var error = await TestSupport.ThrowsAsync<UnimplementedException>(() =>
                client.CallAsync("pipebridge.v1.EntityService/Explode", new JsonObject()));
            Assert.AreEqual(-32601, error.RpcCode);
        }

        [TestCase(TransportKind.WebSocket)]
        [TestCase(TransportKind.Tcp)]
        public async Task AWrongTokenIsUnauthenticatedAndNeverEchoed(TransportKind transport)
        {
            var options = server.ClientOptions(transport);
            options.Token = "0000000000000000000000000000000000000000000000000000000000000000";
            var error = await TestSupport.ThrowsAsync<UnauthenticatedException>(() => PipebridgeClient.ConnectAsync(options));
            StringAssert.DoesNotContain(options.Token, error.Message);
        }

        [Test]
        public async Task NoBridgeIsUnavailableNamingWhereItLooked()
        {
            string empty = Path.Combine(server.Root, "nobody-here");
            Directory.CreateDirectory(empty);
            var options = server.ClientOptions(TransportKind.Tcp);
            options.DiscoveryDirectory = empty;
            var error = await TestSupport.ThrowsAsync<UnavailableException>(() => PipebridgeClient.ConnectAsync(options));
            StringAssert.Contains(empty, error.Message);

            // A discovery file left by a dead process is stale, not a bridge.
            File.WriteAllText(Path.Combine(empty, "bridge.json"),
                              File.ReadAllText(Path.Combine(server.DiscoveryDirectory, "bridge.json")).Replace("\"pid\": " + server.Pid, "\"pid\": 999999"));
            error = await TestSupport.ThrowsAsync<UnavailableException>(() => PipebridgeClient.ConnectAsync(options));
            StringAssert.Contains("999999", error.Message);
        }

        [Test]
        public async Task AnExplicitUrlAndTokenNeedNoDiscoveryFile()
        {
            var options = new PipebridgeClientOptions
            {
                Url = "tcp://" + server.Endpoint("jsonrpc-tcp"), Token = server.Token,  // WebSocket preferred, not offered
                DiscoveryDirectory = Path.Combine(server.Root, "not-used"),
            };
            using (var direct = await PipebridgeClient.ConnectAsync(options))
                Assert.AreEqual("direct", (await direct.BridgeService.PingAsync(new PingRequest { Payload = "direct" })).Payload);
            var error = Assert.Throws<ArgumentException>(() => BridgeDiscovery.FromUrl("http://127.0.0.1:1", "t"));
            StringAssert.Contains("http://127.0.0.1:1", error.Message);
        }

        [Test]
        public async Task AStreamDeadlineIsEnforcedByTheBridge()
        {
            var stream = client.EventService.Subscribe(new SubscribeEventsRequest { Topics = { "nothing.ever" } }, m => { },
                                                       CallOptions.WithTimeout(TimeSpan.FromMilliseconds(300)));
            var error = await TestSupport.ThrowsAsync<DeadlineExceededException>(() => stream.Completion);
            Assert.IsTrue(error.FromBridge, "the bridge's DEADLINE_EXCEEDED, not the client's fallback: " + error.Message);
            Assert.AreEqual(4, error.RpcCode);
        }

        [Test]
        public async Task CancellingAStreamEndsItAtOnce()
        {
            using (var cancel = new CancellationTokenSource())
            {
                var stream = client.EventService.Subscribe(new SubscribeEventsRequest { Topics = { "nothing.ever" } }, m => { },
                                                           CallOptions.WithCancellation(cancel.Token));
                await Task.Delay(100);
                Assert.IsFalse(stream.Completion.IsCompleted);
                cancel.CancelAfter(50);
                await TestSupport.ThrowsAsync<CancelledException>(() => stream.Completion);
            }
            // The connection goes on serving.
            Assert.AreEqual("still here", (await client.BridgeService.PingAsync(new PingRequest { Payload = "still here" })).Payload);
        }

        [Test]
        public async Task ACallCancelledBeforeItStartsIsNeverSent()
        {
            var cancelled = new CancellationToken(true);
            await TestSupport.ThrowsAsync<CancelledException>(() =>
                client.BridgeService.PingAsync(new PingRequest(), CallOptions.WithCancellation(cancelled)));
        }
    }
}
