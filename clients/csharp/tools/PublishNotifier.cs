// PublishNotifier: the engine side of a studio hand-off, without Unity. It attaches as host
// "unity", follows publishes of one type, resolves each one's path through the bridge's
// templates (ContextService/FromPath) and tells the artist's DCC what it found by invoking
// that application's "<app>.notify" command. A Unity editor extension would do the same from
// its own process, posting UI work to Pipebridge.Unity.MainThreadDispatcher.
//
//   mono PublishNotifier.exe --discovery-dir D --type "Photoshop Image" --notify maya [--count N]
//
// Prints `READY <host id>`, then `NOTIFIED <publish id>` per publish; exits 0 after --count
// publishes (default 1), 1 after 60 s without them, 2 on bad arguments.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Pipebridge;
using Pipebridge.Hosts;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tools
{
    public static class PublishNotifier
    {
        public static int Main(string[] args)
        {
            var options = new Dictionary<string, string> { { "--count", "1" } };
            for (int i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
            if (args.Length % 2 != 0 || !options.ContainsKey("--type") || !options.ContainsKey("--notify"))
            {
                Console.Error.WriteLine("usage: PublishNotifier.exe [--discovery-dir D] --type TYPE --notify APP [--count N]");
                return 2;
            }
            string discovery;
            options.TryGetValue("--discovery-dir", out discovery);
            int count = int.Parse(options["--count"]);
            var clientOptions = new PipebridgeClientOptions { DiscoveryDirectory = discovery };
            using (var client = PipebridgeClient.ConnectAsync(clientOptions).Result)
            {
                var host = client.AttachHostAsync(
                    new HostIdentity { Application = "unity", ApplicationVersion = "2022.3",
                                       Pid = System.Diagnostics.Process.GetCurrentProcess().Id,
                                       DisplayName = "Unity (publish notifier)" },
                    new HostCommand[0]).Result;
                Console.WriteLine("READY " + host.HostId);
                Console.Out.Flush();
                var notified = new CountdownEvent(count);
                var failures = new List<string>();
                // From the beginning of the log, so a publish made while this process started
                // is not missed; the type filter keeps it to what an engine loads.
                var request = new JsonObject()
                    .With("topics", JsonArray.Of("publish.created"))
                    .With("filters", JsonArray.Of(JsonArray.Of("payload.changes.published_file_type.new", "is", options["--type"])))
                    .With("fromBeginning", true);
                // Events arrive on the connection's reader thread: the calls run elsewhere.
                using (client.SubscribeEvents(request, e => Task.Run(async () =>
                {
                    try
                    {
                        int id = (int)e.GetObject("payload").GetObject("entity").GetInt64("id");
                        var publish = (await client.PublishService.GetAsync(new GetPublishRequest { Id = id })).Publish;
                        var resolved = await client.ContextService.FromPathAsync(new ContextFromPathRequest { Path = publish.Path });
                        var app = options["--notify"];
                        await client.HostService.InvokeAsync(new InvokeRequest
                        {
                            Host = new HostSelector { Query = new HostQuery { Application = app } },
                            Command = app + ".notify",
                            Args = new JsonObject().With("from", "unity").With("publish", id)
                                .With("path", publish.Path).With("template", resolved.Template)
                                .With("shot", resolved.Fields != null ? resolved.Fields.GetString("Shot") : null),
                        }, CallOptions.WithTimeout(TimeSpan.FromSeconds(10)));
                        Console.WriteLine("NOTIFIED " + id);
                        Console.Out.Flush();
                    }
                    catch (Exception error)
                    {
                        lock (failures) failures.Add(error.Message);
                        Console.Error.WriteLine("PublishNotifier: " + error.Message);
                    }
                    finally
                    {
                        if (!notified.IsSet) notified.Signal();
                    }
                })))
                {
                    bool done = notified.Wait(TimeSpan.FromSeconds(60));
                    host.Dispose();
                    return done && failures.Count == 0 ? 0 : 1;
                }
            }
        }
    }
}
