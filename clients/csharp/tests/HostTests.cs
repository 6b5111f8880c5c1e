// A C# client attached as a host: other clients (Python over TCP, another C# client) invoke
// its commands through the bridge; errors, deadlines, cancellation and progress reach both ends.
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Hosts;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests.Live
{
    [TestFixture]
    public class HostTests
    {
        BridgeServer server;
        PipebridgeClient hostClient;
        PipebridgeClient caller;
        HostSession host;
        readonly ConcurrentQueue<string> cancelled = new ConcurrentQueue<string>();

        [TestFixtureSetUp]
        public void Attach()
        {
            TestSupport.SetUpOrTearDown(() =>
            {
                server = new BridgeServer().Start();
                hostClient = PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.WebSocket)).Result;
                caller = PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)).Result;
                host = hostClient.AttachHostAsync(HostFixtures.Identity("unity"), HostFixtures.Commands(hostClient, cancelled)).Result;
            }, Detach);
        }

        [TestFixtureTearDown]
        public void Detach()
        {
            if (hostClient != null) hostClient.Dispose();
            if (caller != null) caller.Dispose();
            if (server != null) server.Dispose();
        }

        [Test]
        public async Task TheHostIsListedWithItsCommands()
        {
            Assert.IsNotEmpty(host.HostId);
            Assert.That(host.Lease, Is.GreaterThan(TimeSpan.Zero));
            var listed = (await caller.HostService.ListHostsAsync(new ListHostsRequest { Application = "unity" })).Hosts.Single();
            Assert.AreEqual(host.HostId, listed.Id);
            Assert.AreEqual("unity 2022.3 — csharp tests", listed.DisplayName);
            CollectionAssert.IsSubsetOf(new[] { "unity.echo", "unity.wait", "unity.fail" }, listed.Commands.Select(c => c.Name).ToList());
        }

        [Test]
        public void APythonClientInvokesACommand()
        {
            var answer = HostFixtures.InvokeFromPython(server, "unity", "unity.echo", "{\"text\": \"from python\"}");
            var result = answer.GetObject("result");
            Assert.IsNotNull(result, answer.ToString());
            Assert.AreEqual(host.HostId, result.GetString("hostId"));
            Assert.AreEqual("from python", result.GetObject("result").GetString("echo"));
            Assert.AreEqual("", result.GetObject("result").GetString("callerHost"), "a caller that is no host");
        }

        [Test]
        public void ArgumentsAreCheckedAgainstTheSchemaBeforeTheHostSeesThem()
        {
            var answer = HostFixtures.InvokeFromPython(server, "unity", "unity.echo", "{\"text\": 7}");
            Assert.AreEqual(3L, answer.GetObject("error").Get("code"), answer.ToString());
        }

        [Test]
        public async Task AHandlersErrorReachesTheCallerWithItsCode()
        {
            var error = await TestSupport.ThrowsAsync<NotFoundException>(() => caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { HostId = host.HostId }, Command = "unity.fail", Args = new JsonObject(),
            }));
            StringAssert.Contains("no layer named bg", error.Message);
        }

        [Test]
        public async Task AHandlerMayCallTheBridgeWhileItRuns()
        {
            var response = await caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { Query = new HostQuery { Application = "unity" } }, Command = "unity.countShots", Args = new JsonObject(),
            });
            Assert.AreEqual(6L, ((JsonObject)response.Result).GetInt64("shots"));
        }

        [Test]
        public async Task AHandlerMayInvokeItsOwnHostWhileItRuns()
        {
            // The relay's own invocation is in flight while the bridge sends the echo to the
            // same connection: the reader must never wait on a handler.
            var response = await caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { HostId = host.HostId }, Command = "unity.relay", Args = new JsonObject().With("text", "round trip"),
            });
            Assert.AreEqual("round trip", ((JsonObject)response.Result).GetString("echo"));
            Assert.AreEqual(host.HostId, ((JsonObject)response.Result).GetString("callerHost"), "the bridge names the calling host");
        }

        [Test]
        public async Task UpdatedCommandsReplaceTheOfferedOnes()
        {
            var extra = new HostCommand("unity.extra", inv => Task.FromResult<object>(new JsonObject().With("extra", true)));
            await host.UpdateCommandsAsync(HostFixtures.Commands(hostClient, cancelled).Concat(new[] { extra }));
            try
            {
                var listed = (await caller.HostService.ListHostsAsync(new ListHostsRequest { Application = "unity" })).Hosts.Single();
                CollectionAssert.Contains(listed.Commands.Select(c => c.Name).ToList(), "unity.extra");
                var response = await caller.HostService.InvokeAsync(new InvokeRequest
                {
                    Host = new HostSelector { HostId = host.HostId }, Command = "unity.extra", Args = new JsonObject(),
                });
                Assert.AreEqual(true, ((JsonObject)response.Result).GetBool("extra"));
            }
            finally
            {
                await host.UpdateCommandsAsync(HostFixtures.Commands(hostClient, cancelled));
            }
            var error = await TestSupport.ThrowsAsync<PipebridgeException>(() => caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { HostId = host.HostId }, Command = "unity.extra", Args = new JsonObject(),
            }));
            Assert.That(error.Code, Is.EqualTo(StatusCode.NotFound).Or.EqualTo(StatusCode.Unimplemented).Or.EqualTo(StatusCode.InvalidArgument), error.Message);
        }

        [Test]
        public async Task ACallersDeadlineCancelsTheHandler()
        {
            string marker = "deadline-" + Guid.NewGuid().ToString("N");
            var error = await TestSupport.ThrowsAsync<DeadlineExceededException>(() => caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { HostId = host.HostId }, Command = "unity.wait", Args = new JsonObject().With("marker", marker),
            }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(400))));
            Assert.IsTrue(error.FromBridge, "the bridge enforces the deadline: " + error.Message);
            Assert.AreEqual(4, error.RpcCode);
            await TestSupport.Eventually(() => cancelled.Contains(marker), "the handler's cancellation");
        }

        [Test]
        public async Task ACallerCancellingCancelsTheHandler()
        {
            string marker = "cancel-" + Guid.NewGuid().ToString("N");
            using (var cancel = new CancellationTokenSource())
            {
                var call = caller.HostService.InvokeAsync(new InvokeRequest
                {
                    Host = new HostSelector { HostId = host.HostId }, Command = "unity.wait", Args = new JsonObject().With("marker", marker),
                }, CallOptions.WithCancellation(cancel.Token));
                await Task.Delay(200);
                cancel.Cancel();
                await TestSupport.ThrowsAsync<CancelledException>(() => call);
            }
            await TestSupport.Eventually(() => cancelled.Contains(marker), "host.cancel reaching the handler");
        }

        [Test]
        public async Task ProgressReachesInvokeStreamCallersBeforeTheResult()
        {
            // Its own caller connection: it must go on answering after the stream.
            using (var streamCaller = await PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)))
            {
                var messages = new ConcurrentQueue<InvokeStreamResponse>();
                var stream = streamCaller.HostService.InvokeStream(new InvokeStreamRequest
                {
                    Host = new HostSelector { HostId = host.HostId }, Command = "unity.bake", Args = new JsonObject(),
                }, messages.Enqueue);
                await TestSupport.WithinBound(stream.Completion, "the streamed invocation");
                var list = messages.ToList();
                CollectionAssert.AreEqual(new[] { 0.5, 1.0 }, list.Where(m => m.Progress != null).Select(m => m.Progress.Fraction));
                Assert.AreEqual(true, ((JsonObject)list.Last().Result.Result).GetBool("baked"));

                var ping = streamCaller.BridgeService.PingAsync(new PingRequest { Payload = "after the stream" },
                                                                CallOptions.WithTimeout(TimeSpan.FromSeconds(3)));
                Assert.AreEqual("after the stream", (await TestSupport.WithinBound(ping, "a call after InvokeStream")).Payload);
            }
        }

        [Test]
        public async Task HeartbeatsKeepTheLease()
        {
            string serverTime = await host.HeartbeatAsync();
            Assert.IsNotEmpty(serverTime);
            long before = host.HeartbeatCount;
            host.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
            await TestSupport.Eventually(() => host.HeartbeatCount >= before + 3, "periodic heartbeats");
            host.HeartbeatInterval = null;
        }

        [Test]
        public async Task OneHostPerClientAndDetachRemovesIt()
        {
            await TestSupport.ThrowsAsync<FailedPreconditionException>(() => hostClient.AttachHostAsync(HostFixtures.Identity("unity"), new HostCommand[0]));
            using (var second = await PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)))
            {
                var other = await second.AttachHostAsync(HostFixtures.Identity("lua"), new HostCommand[0]);
                Assert.AreEqual(1, (await caller.HostService.ListHostsAsync(new ListHostsRequest { Application = "lua" })).Hosts.Count);
                await other.DetachAsync();
                // host.detach answers before every connection sees the host gone (the bridge's own e2e test polls too).
                await TestSupport.EventuallyAsync(async () =>
                    (await caller.HostService.ListHostsAsync(new ListHostsRequest { Application = "lua" })).Hosts.Count == 0, "the host to be gone");
                Assert.AreEqual("ok", (await second.BridgeService.PingAsync(new PingRequest { Payload = "ok" })).Payload, "the connection stays");
            }
        }
    }

    /// <summary>
    /// A command's result may be any JSON value (docs/protocol.md: `result`: any JSON value;
    /// InvocationResult.result is a google.protobuf.Value), not only an object.
    /// </summary>
    [TestFixture]
    public class HostResultValueTests
    {
        BridgeServer server;
        PipebridgeClient hostClient;
        PipebridgeClient caller;
        HostSession host;

        [TestFixtureSetUp]
        public void Attach()
        {
            TestSupport.SetUpOrTearDown(() =>
            {
                server = new BridgeServer().Start();
                hostClient = PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.Tcp)).Result;
                caller = PipebridgeClient.ConnectAsync(server.ClientOptions(TransportKind.WebSocket)).Result;
                host = hostClient.AttachHostAsync(HostFixtures.Identity("unity"), HostFixtures.Commands(hostClient, new ConcurrentQueue<string>())).Result;
            }, Detach);
        }

        [TestFixtureTearDown]
        public void Detach()
        {
            if (hostClient != null) hostClient.Dispose();
            if (caller != null) caller.Dispose();
            if (server != null) server.Dispose();
        }

        [TestCase("42", 42L)]
        [TestCase("\"baked\"", "baked")]
        [TestCase("true", true)]
        public async Task AScalarResultReachesTheCaller(string valueJson, object expected)
        {
            var response = await caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { HostId = host.HostId }, Command = "unity.return",
                Args = new JsonObject().With("value", JsonReader.Parse(valueJson)),
            });
            Assert.AreEqual(expected, response.Result);
        }

        [Test]
        public async Task AnArrayResultReachesTheCaller()
        {
            var response = await caller.HostService.InvokeAsync(new InvokeRequest
            {
                Host = new HostSelector { HostId = host.HostId }, Command = "unity.return",
                Args = new JsonObject().With("value", JsonArray.Of("a", 1L)),
            });
            CollectionAssert.AreEqual(JsonArray.Of("a", 1L), (JsonArray)response.Result);
        }
    }

    /// <summary>The commands the test hosts offer, and a Python caller.</summary>
    static class HostFixtures
    {
        public static HostIdentity Identity(string application)
        {
            return new HostIdentity
            {
                Application = application, ApplicationVersion = "2022.3", Pid = Process.GetCurrentProcess().Id,
                SessionId = Guid.NewGuid().ToString("N"), User = "ada", DisplayName = application + " 2022.3 — csharp tests",
            };
        }

        public static HostCommand[] Commands(PipebridgeClient self, ConcurrentQueue<string> cancelled)
        {
            return new[]
            {
                new HostCommand("unity.echo", inv => Task.FromResult<object>(new JsonObject()
                    .With("echo", inv.Args.GetString("text")).With("callerHost", inv.CallerHost ?? "")))
                {
                    Title = "Echo",
                    ArgsSchema = JsonReader.ParseObject("{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}"),
                },
                new HostCommand("unity.fail", inv => { throw new NotFoundException("no layer named bg"); }),
                new HostCommand("unity.wait", async inv =>
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(60), inv.Cancellation);
                    }
                    catch (OperationCanceledException)
                    {
                        cancelled.Enqueue(inv.Args.GetString("marker"));
                        throw;
                    }
                    return "waited";
                }),
                new HostCommand("unity.countShots", async inv =>
                {
                    var shots = await self.EntityService.FindAsync(new FindEntitiesRequest { EntityType = "Shot" });
                    return new JsonObject().With("shots", (long)shots.Entities.Count);
                }),
                new HostCommand("unity.relay", async inv =>
                {
                    var echo = await self.HostService.InvokeAsync(new InvokeRequest
                    {
                        Host = new HostSelector { Query = new HostQuery { Application = "unity" } }, Command = "unity.echo",
                        Args = new JsonObject().With("text", inv.Args.GetString("text")),
                    });
                    return echo.Result;
                }),
                new HostCommand("unity.bake", async inv =>
                {
                    await inv.ReportProgressAsync(0.5, "half");
                    await inv.ReportProgressAsync(1.0, "done");
                    return new JsonObject().With("baked", true);
                }),
                // Returns its args' "value" as the result: any JSON value, as the protocol allows.
                new HostCommand("unity.return", inv => Task.FromResult(inv.Args.Get("value"))),
            };
        }

        /// <summary>Runs tests/invoke_host.py (plain Python over JSON-RPC TCP) and returns its JSON-RPC answer.</summary>
        public static JsonObject InvokeFromPython(BridgeServer server, string application, string command, string args)
        {
            string script = Path.Combine(Path.GetDirectoryName(typeof(HostFixtures).Assembly.Location), "invoke_host.py");
            var start = new ProcessStartInfo("python3",
                string.Join(" ", new[] { script, server.Endpoint("jsonrpc-tcp"), server.Token, application, command }.Select(Quote)) + " " + Quote(args))
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using (var process = Process.Start(start))
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit((int)TestSupport.WaitBound.TotalMilliseconds))
                {
                    process.Kill();
                    Assert.Fail("invoke_host.py did not finish within " + TestSupport.WaitBound.TotalSeconds + " s");
                }
                Assert.AreEqual(0, process.ExitCode, "invoke_host.py failed: " + errors.Result);
                return JsonReader.ParseObject(output.Result);
            }
        }

        static string Quote(string argument)
        {
            return "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        }
    }
}
