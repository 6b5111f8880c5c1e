// Starts a real `pipebridge serve --demo` on ephemeral ports with private folders and finds
// it through its discovery file, as every client does. Restart() brings a new process up on
// the same ports and project (a crashed or upgraded bridge, for reconnection tests).
using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Pipebridge;
using Pipebridge.Json;

namespace Pipebridge.Tests
{
    public sealed class BridgeServer : IDisposable
    {
        static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
        static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

        readonly string binary;
        readonly StringBuilder log = new StringBuilder();
        Process process;
        int grpcPort, httpPort, tcpPort;

        public BridgeServer()
        {
            binary = Environment.GetEnvironmentVariable("PIPEBRIDGE_BIN");
            if (string.IsNullOrEmpty(binary))
                throw new InvalidOperationException("PIPEBRIDGE_BIN is not set: point it at the pipebridge executable " +
                                                    "(ctest sets it; by hand: PIPEBRIDGE_BIN=/path/to/pipebridge)");
            if (!File.Exists(binary)) throw new InvalidOperationException("PIPEBRIDGE_BIN=" + binary + " does not exist");
            Root = Path.Combine(Path.GetTempPath(), "pipebridge-csharp-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            DiscoveryDirectory = Path.Combine(Root, "discovery");
            ProjectDirectory = Path.Combine(Root, "project");
            Directory.CreateDirectory(Root);
        }

        public string Root { get; private set; }
        public string DiscoveryDirectory { get; private set; }
        public string ProjectDirectory { get; private set; }
        /// <summary>The discovery file of the running process.</summary>
        public JsonObject Discovery { get; private set; }
        public string Token { get { return Discovery.GetString("token"); } }
        public int Pid { get { return process.Id; } }

        public string Endpoint(string transport)
        {
            return Discovery.GetObject("endpoints").GetString(transport);
        }

        /// <summary>Options of a client of this server over the given transport.</summary>
        public PipebridgeClientOptions ClientOptions(TransportKind transport)
        {
            return new PipebridgeClientOptions
            {
                DiscoveryDirectory = DiscoveryDirectory,
                Transport = transport,
                DefaultTimeout = TimeSpan.FromSeconds(15),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            };
        }

        public BridgeServer Start()
        {
            try
            {
                Launch("--grpc-port 0 --http-port 0 --tcp-port 0");
            }
            catch
            {
                Dispose();  // the caller never gets this object to dispose
                throw;
            }
            grpcPort = Port(Endpoint("grpc"));
            httpPort = Port(Endpoint("jsonrpc-ws").Replace("ws://", "").Replace("/rpc", ""));
            tcpPort = Port(Endpoint("jsonrpc-tcp"));
            return this;
        }

        /// <summary>Kills the process without warning (SIGKILL): connections drop, the discovery file stays stale.</summary>
        public void Crash()
        {
            process.Kill();
            if (!process.WaitForExit((int)StopTimeout.TotalMilliseconds)) throw new TimeoutException("pipebridge survived SIGKILL");
        }

        /// <summary>
        /// A new process on the same ports, project and discovery folder (a new token), after
        /// stopping this one with SIGTERM (graceful) or SIGKILL (a crash).
        /// </summary>
        public BridgeServer Restart(bool graceful = false)
        {
            if (process != null && !process.HasExited)
            {
                if (graceful) Stop();
                else Crash();
            }
            // A port the dead process held may linger briefly; retry within the start bound.
            var deadline = DateTime.UtcNow + StartTimeout;
            while (true)
            {
                try
                {
                    Launch("--grpc-port " + grpcPort + " --http-port " + httpPort + " --tcp-port " + tcpPort);
                    return this;
                }
                catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(200);
                }
            }
        }

        void Launch(string ports)
        {
            var start = new ProcessStartInfo(binary,
                "serve --demo --discovery-dir \"" + DiscoveryDirectory + "\" --project-dir \"" + ProjectDirectory + "\" " + ports)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var started = Process.Start(start);
            started.OutputDataReceived += (s, e) => { if (e.Data != null) lock (log) log.AppendLine(e.Data); };
            started.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (log) log.AppendLine(e.Data); };
            started.BeginOutputReadLine();
            started.BeginErrorReadLine();
            process = started;
            var deadline = DateTime.UtcNow + StartTimeout;
            string path = Path.Combine(DiscoveryDirectory, BridgeDiscovery.FileName);
            while (DateTime.UtcNow < deadline)
            {
                if (started.HasExited)
                    throw new InvalidOperationException("pipebridge exited with " + started.ExitCode + ":\n" + Log());
                try
                {
                    var file = JsonReader.ParseObject(File.ReadAllText(path));
                    if (file.GetInt32("pid") == started.Id)
                    {
                        Discovery = file;
                        return;
                    }
                }
                catch (IOException) { }
                catch (FormatException) { }  // being written
                Thread.Sleep(20);
            }
            Stop();
            throw new TimeoutException("pipebridge wrote no discovery file within " + StartTimeout.TotalSeconds + " s:\n" + Log());
        }

        public string Log()
        {
            lock (log) return log.ToString();
        }

        static int Port(string hostPort)
        {
            return int.Parse(hostPort.Substring(hostPort.LastIndexOf(':') + 1));
        }

        /// <summary>SIGTERM, then SIGKILL if it does not stop in time.</summary>
        public void Stop()
        {
            if (process == null || process.HasExited) return;
            const int SIGTERM = 15;
            if (kill(process.Id, SIGTERM) != 0) process.Kill();
            if (!process.WaitForExit((int)StopTimeout.TotalMilliseconds)) process.Kill();
        }

        // Process.Kill is SIGKILL; a clean stop needs SIGTERM (no `kill` binary on minimal images).
        [DllImport("libc", SetLastError = true)]
        static extern int kill(int pid, int signal);

        public void Dispose()
        {
            Stop();
            try { Directory.Delete(Root, true); } catch (IOException) { }
        }
    }
}
