// Every service of the contract, through the generated typed clients, against a real
// server, over both transports.
using System;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests.Live
{
    [TestFixture(TransportKind.WebSocket)]
    [TestFixture(TransportKind.Tcp)]
    public class ServiceTests
    {
        readonly TransportKind transport;
        BridgeServer server;
        PipebridgeClient client;

        public ServiceTests(TransportKind transport)
        {
            this.transport = transport;
        }

        [TestFixtureSetUp]
        public void StartServer()
        {
            TestSupport.SetUpOrTearDown(() =>
            {
                server = new BridgeServer().Start();
                client = PipebridgeClient.ConnectAsync(server.ClientOptions(transport)).Result;
            }, StopServer);
        }

        [TestFixtureTearDown]
        public void StopServer()
        {
            if (client != null) client.Dispose();
            if (server != null) server.Dispose();
        }

        [Test]
        public async Task BridgeServiceAnswersWithTheDiscoveredIdentity()
        {
            var info = await client.BridgeService.GetInfoAsync(new GetInfoRequest());
            Assert.AreEqual(server.Discovery.GetString("version"), info.Version);
            Assert.AreEqual(1L, info.ProtocolVersion);
            Assert.AreEqual(server.Pid, info.Pid);
            Assert.AreEqual(server.Endpoint("jsonrpc-tcp"), info.Endpoints.Single(e => e.Transport == "jsonrpc-tcp").Address);
            CollectionAssert.Contains(info.Capabilities, "entities");
            var pong = await client.BridgeService.PingAsync(new PingRequest { Payload = "from C# é 🎬" });
            Assert.AreEqual("from C# é 🎬", pong.Payload);
            Assert.AreEqual(1L, client.ServerInfo.GetInt64("protocolVersion"));
        }

        [Test]
        public async Task EntityServiceFindsCreatesUpdatesRetiresAndSummarizes()
        {
            var found = await client.EntityService.FindAsync(new FindEntitiesRequest
            {
                EntityType = "Shot",
                Filters = JsonArray.Of(JsonArray.Of("sg_sequence.Sequence.code", "is", "sq010")),
                Fields = { "code" },
                Order = { new SortOrder { FieldName = "code", Direction = SortDirection.Desc } },
            });
            CollectionAssert.AreEqual(new[] { "sh030", "sh020", "sh010" }, found.Entities.Select(e => e.GetString("code")));
            Assert.IsFalse(found.HasMore);

            var sequence = found.Entities[0];
            var created = await client.EntityService.CreateAsync(new CreateEntityRequest
            {
                EntityType = "Shot",
                Data = new JsonObject().With("code", "cs_" + transport).With("description", "made by the C# client"),
            });
            int id = created.Entity.GetInt32("id");
            Assert.That(id, Is.GreaterThan(0));
            var updated = await client.EntityService.UpdateAsync(new UpdateEntityRequest
            {
                EntityType = "Shot", Id = id, Data = new JsonObject().With("description", "changed"), ReturnFields = { "description" },
            });
            Assert.AreEqual("changed", updated.Entity.GetString("description"));
            var fetched = await client.EntityService.GetAsync(new GetEntityRequest { EntityType = "Shot", Id = id, Fields = { "code" } });
            Assert.AreEqual("cs_" + transport, fetched.Entity.GetString("code"));

            Assert.IsTrue((await client.EntityService.DeleteAsync(new DeleteEntityRequest { EntityType = "Shot", Id = id })).Retired);
            await TestSupport.ThrowsAsync<NotFoundException>(() => client.EntityService.GetAsync(new GetEntityRequest { EntityType = "Shot", Id = id }));
            Assert.IsTrue((await client.EntityService.ReviveAsync(new ReviveEntityRequest { EntityType = "Shot", Id = id })).Revived);

            var batch = await client.EntityService.BatchAsync(new BatchEntitiesRequest
            {
                Requests =
                {
                    new BatchOperation { Update = new UpdateEntityRequest { EntityType = "Shot", Id = id, Data = new JsonObject().With("description", "batched") } },
                    new BatchOperation { Delete = new DeleteEntityRequest { EntityType = "Shot", Id = id } },
                },
            });
            Assert.AreEqual("batched", batch.Results[0].Entity.GetString("description"));
            Assert.IsTrue(batch.Results[1].Retired);

            var schema = await client.EntityService.SchemaAsync(new GetSchemaRequest { EntityType = "Shot" });
            var sgSequence = schema.EntityTypes.Single().Fields.Single(f => f.Name == "sg_sequence");
            Assert.AreEqual("FIELD_TYPE_ENTITY", sgSequence.DataType);
            CollectionAssert.Contains(sgSequence.LinkTypes, "Sequence");

            var summary = await client.EntityService.SummarizeAsync(new SummarizeEntitiesRequest
            {
                EntityType = "Shot",
                SummaryFields = { new SummaryField { Field = "id", Type = "count" } },
                Grouping = { new Grouping { Field = "sg_sequence", Direction = SortDirection.Asc } },
            });
            Assert.AreEqual(6L, summary.Summaries.GetInt64("id"), "the demo's six shots (the new one is retired)");
            CollectionAssert.AreEqual(new[] { 3L, 3L }, summary.Groups.Select(g => g.Summaries.GetInt64("id")));
        }

        [Test]
        public async Task TemplateServiceAppliesParsesMatchesAndExplains()
        {
            var templates = await client.TemplateService.ListTemplatesAsync(new ListTemplatesRequest());
            Assert.IsTrue(templates.Templates.Any(t => t.Name == "nuke_shot_work"));
            var fields = new JsonObject().With("Sequence", "sq010").With("Shot", "sh010").With("Step", "comp")
                                         .With("name", "main").With("version", 3L);
            string path = (await client.TemplateService.ApplyAsync(new ApplyTemplateRequest { Template = "nuke_shot_work", Fields = fields })).Path;
            StringAssert.EndsWith("sequences/sq010/sh010/comp/work/nuke/sh010_main_v003.nk", path);

            var parsed = await client.TemplateService.ParseAsync(new ParsePathRequest { Template = "nuke_shot_work", Path = path });
            Assert.AreEqual(3L, parsed.Fields.GetInt64("version"));
            var matches = await client.TemplateService.MatchAsync(new MatchPathsRequest { Paths = { path } });
            Assert.AreEqual("nuke_shot_work", matches.Results.Single().Matches.First().Template);

            var explained = await client.TemplateService.ExplainAsync(new ExplainPathRequest { Template = "nuke_shot_work", Path = path.Replace("sh010_main", "sh010_ma in") });
            Assert.IsFalse(explained.Matches);
            Assert.IsNotEmpty(explained.Reason);
            var validation = await client.TemplateService.ValidateAsync(new ValidateFieldsRequest { Template = "nuke_shot_work", Fields = new JsonObject().With("Step", "nope") });
            Assert.IsFalse(validation.Valid);
            var missing = await client.TemplateService.MissingKeysAsync(new MissingKeysRequest { Template = "nuke_shot_work", Fields = new JsonObject().With("Shot", "sh010") });
            CollectionAssert.Contains(missing.Keys, "Sequence");
            CollectionAssert.DoesNotContain(missing.Keys, "Shot");
        }

        [Test]
        public async Task ContextServiceRoundTripsAContext()
        {
            var task = (await client.EntityService.FindAsync(new FindEntitiesRequest { EntityType = "Task", Page = new Page { Limit = 1 } })).Entities.Single();
            var context = (await client.ContextService.FromEntityAsync(new ContextFromEntityRequest
            {
                Entity = new EntityRef { Type = "Task", Id = task.GetInt32("id") },
            })).Context;
            Assert.AreEqual(task.GetInt32("id"), context.Task.Id);
            Assert.IsNotEmpty(context.Entity.Type);
            Assert.AreEqual("Project", context.Project.Type);

            string serialized = (await client.ContextService.SerializeAsync(new SerializeContextRequest { Context = context })).Serialized;
            var back = (await client.ContextService.DeserializeAsync(new DeserializeContextRequest { Serialized = serialized })).Context;
            Assert.AreEqual(context.Entity.Id, back.Entity.Id);
            Assert.AreEqual(context.Step.Id, back.Step.Id);

            var shotFields = (await client.ContextService.ToFieldsAsync(new ContextToFieldsRequest
            {
                Context = (await client.ContextService.FromEntityAsync(new ContextFromEntityRequest { Entity = new EntityRef { Type = "Shot", Id = 1 } })).Context,
            })).Fields;
            Assert.AreEqual("sh010", shotFields.GetString("Shot"));
            string path = (await client.TemplateService.ApplyAsync(new ApplyTemplateRequest { Template = "shot_root", Fields = shotFields.With("Step", "comp") })).Path;
            var fromPath = await client.ContextService.FromPathAsync(new ContextFromPathRequest { Path = path });
            Assert.AreEqual("Shot", fromPath.Context.Entity.Type);
            Assert.AreEqual(1, fromPath.Context.Entity.Id);
        }

        [Test]
        public async Task PublishServiceRegistersVersionsAndFindsTheLatest()
        {
            var target = await Publishing.AssetPublishTarget(client, "prop" + transport, 1);
            var context = target.Context;
            string path = target.Path;
            int reserved = (await client.PublishService.ReserveVersionAsync(new ReserveVersionRequest { Context = context, Name = "prop" + transport, PublishType = "Maya Scene" })).Version;
            Assert.AreEqual(1, reserved);
            var first = (await client.PublishService.RegisterAsync(new RegisterPublishRequest
            {
                Path = path, Name = "prop" + transport, PublishType = "Maya Scene", Version = 1, Context = context,
                Metadata = new JsonObject().With("tool", "csharp"), SizeBytes = 5000000000L,
            })).Publish;
            Assert.AreEqual(5000000000L, first.SizeBytes, "int64 round trip");
            string path2 = (await Publishing.AssetPublishTarget(client, "prop" + transport, 2)).Path;
            var second = (await client.PublishService.RegisterAsync(new RegisterPublishRequest
            {
                Path = path2, Name = "prop" + transport, PublishType = "Maya Scene", Version = 0, Context = context,
                Dependencies = { new DependencyRef { Id = first.Id } },
            })).Publish;
            Assert.AreEqual(2, second.Version, "version 0 reserves the next one");

            await TestSupport.ThrowsAsync<AlreadyExistsException>(() => client.PublishService.RegisterAsync(new RegisterPublishRequest
            {
                Path = path2 + ".again", Name = "prop" + transport, PublishType = "Maya Scene", Version = 2, Context = context,
            }));

            var latest = await client.PublishService.FindLatestAsync(new FindLatestPublishesRequest { Context = context, Name = "prop" + transport });
            Assert.AreEqual(second.Id, latest.Publishes.Single().Id);
            Assert.AreEqual(first.Id, (await client.PublishService.GetAsync(new GetPublishRequest { Path = path })).Publish.Id);
            var found = await client.PublishService.FindAsync(new FindPublishesRequest { Filters = JsonArray.Of(JsonArray.Of("name", "is", "prop" + transport)) });
            Assert.AreEqual(2, found.Publishes.Count);
            Assert.AreEqual(first.Id, (await client.PublishService.UpstreamAsync(new UpstreamRequest { Id = second.Id })).Publishes.Single().Publish.Id);
            var downstream = (await client.PublishService.DownstreamAsync(new DownstreamRequest { Id = first.Id })).Publishes.Single();
            Assert.AreEqual(second.Id, downstream.Publish.Id);
            Assert.AreEqual(1, downstream.Depth);
            Assert.AreEqual(second.Id, (await client.PublishService.StaleIfRepublishedAsync(new StaleIfRepublishedRequest { Id = first.Id })).Publishes.Single().Publish.Id);
        }

        [Test]
        public async Task EventServicePublishesListsAndStreams()
        {
            string topic = "csharp." + transport.ToString().ToLowerInvariant() + ".test";
            var published = (await client.EventService.PublishAsync(new PublishEventRequest { Topic = topic, Payload = new JsonObject().With("n", 1L) })).Event;
            Assert.That(published.Id, Is.GreaterThan(0L));
            var listed = await client.EventService.ListAsync(new ListEventsRequest { AfterId = published.Id - 1, Topics = { topic } });
            Assert.AreEqual(published.Id, listed.Events.Single().Id);

            var received = new System.Collections.Concurrent.ConcurrentQueue<Event>();
            using (var stream = client.EventService.Subscribe(new SubscribeEventsRequest { Topics = { topic }, AfterId = published.Id - 1 }, m => received.Enqueue(m.Event)))
            {
                await client.EventService.PublishAsync(new PublishEventRequest { Topic = topic, Payload = new JsonObject().With("n", 2L) });
                await TestSupport.Eventually(() => received.Count >= 2, "the replayed and the live event");
                CollectionAssert.AreEqual(new[] { 1L, 2L }, received.Select(e => e.Payload.GetInt64("n")));
                stream.Cancel();
                await TestSupport.ThrowsAsync<CancelledException>(() => stream.Completion);
            }
        }

        [Test]
        public async Task HostServiceListsNoHostsAndFailsPreciselyWithoutOne()
        {
            var hosts = await client.HostService.ListHostsAsync(new ListHostsRequest { Application = "nobody" });
            Assert.AreEqual(0, hosts.Hosts.Count);
            var error = await TestSupport.ThrowsAsync<PipebridgeException>(() => client.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { Query = new HostQuery { Application = "nobody" } }, Command = "x.y",
            }));
            Assert.That(error.Code, Is.EqualTo(StatusCode.NotFound).Or.EqualTo(StatusCode.Unavailable).Or.EqualTo(StatusCode.FailedPrecondition), error.Message);
        }
    }
}
