// Round trips of BridgeService/Ping through the C# client, per transport: one call at a
// time (latency) and 16 in flight (throughput). Prints figures; not a test.
//   mono PingBench.exe <discovery dir> [calls per run, default 5000]
using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Pipebridge;
using Pipebridge.V1;

static class PingBench
{
    static async Task Run(string discoveryDirectory, TransportKind transport, int calls)
    {
        var options = new PipebridgeClientOptions { DiscoveryDirectory = discoveryDirectory, Transport = transport };
        using (var client = await PipebridgeClient.ConnectAsync(options))
        {
            var request = new PingRequest { Payload = new string('x', 200) };
            for (int i = 0; i < 200; i++) await client.BridgeService.PingAsync(request);  // warm-up: JIT, buffers

            var latencies = new double[calls];
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++)
            {
                long start = clock.ElapsedTicks;
                await client.BridgeService.PingAsync(request);
                latencies[i] = (clock.ElapsedTicks - start) * 1e6 / Stopwatch.Frequency;
            }
            Array.Sort(latencies);
            Console.WriteLine("{0,-9} sequential: {1,8:F0} calls/s  p50 {2,6:F0} us  p99 {3,6:F0} us",
                              transport, calls / clock.Elapsed.TotalSeconds, latencies[calls / 2], latencies[calls * 99 / 100]);

            const int inFlight = 16;
            clock.Restart();
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async worker =>
            {
                for (int i = worker; i < calls; i += inFlight) await client.BridgeService.PingAsync(request);
            }));
            Console.WriteLine("{0,-9} {1} in flight: {2,8:F0} calls/s", transport, inFlight, calls / clock.Elapsed.TotalSeconds);
        }
    }

    static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: PingBench.exe <discovery dir> [calls]");
            return 2;
        }
        int calls = args.Length > 1 ? int.Parse(args[1]) : 5000;
        foreach (var transport in new[] { TransportKind.Tcp, TransportKind.WebSocket })
            Run(args[0], transport, calls).GetAwaiter().GetResult();
        return 0;
    }
}
