// The example editor script's loader, against a real bridge with real publishes.
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Examples;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests.Live
{
    [TestFixture]
    public class ExampleTests
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
        public async Task LoadsTheLatestPublishOfAnAsset()
        {
            Assert.IsNull(await LatestPublishLoader.FindLatestAsync(client, "hero", "Maya Scene"), "nothing published yet");
            foreach (int version in new[] { 1, 2, 3 })
            {
                var target = await Publishing.AssetPublishTarget(client, "heroModel", version);
                await client.PublishService.RegisterAsync(new RegisterPublishRequest
                {
                    Path = target.Path, Name = "heroModel", PublishType = "Maya Scene", Version = version, Context = target.Context,
                });
            }
            var latest = await LatestPublishLoader.FindLatestAsync(client, "hero", "Maya Scene");
            Assert.AreEqual(3, latest.Version);
            StringAssert.EndsWith("hero_heroModel_v003.ma", latest.Path);
            Assert.IsNull(await LatestPublishLoader.FindLatestAsync(client, "hero", "Alembic Cache"));
        }

        [Test]
        public async Task AnUnknownAssetIsNotFound()
        {
            var error = await TestSupport.ThrowsAsync<NotFoundException>(() => LatestPublishLoader.FindLatestAsync(client, "nope", "Maya Scene"));
            StringAssert.Contains("\"nope\"", error.Message);
        }
    }
}
