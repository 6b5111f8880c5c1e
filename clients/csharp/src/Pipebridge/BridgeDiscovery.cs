// Finds the running bridge the way every pipebridge client does: PIPEBRIDGE_URL (+
// PIPEBRIDGE_TOKEN), else the discovery file bridge.json in $PIPEBRIDGE_DISCOVERY_DIR,
// $XDG_RUNTIME_DIR/pipebridge or ~/.pipebridge, whose pid must be a live process.
using System;
using System.Diagnostics;
using System.IO;
using Pipebridge.Json;

namespace Pipebridge
{
    /// <summary>What the discovery file says about a running bridge.</summary>
    public sealed class BridgeEndpoint
    {
        public string Token { get; set; }
        /// <summary>"ws://127.0.0.1:47732/rpc", or null when the bridge serves no WebSocket.</summary>
        public string WebSocketUrl { get; set; }
        /// <summary>"127.0.0.1:47733", or null when the bridge serves no JSON-RPC over TCP.</summary>
        public string TcpAddress { get; set; }
        public int ProtocolVersion { get; set; }
        public int Pid { get; set; }
        public string Version { get; set; }
    }

    public static class BridgeDiscovery
    {
        public const string FileName = "bridge.json";

        /// <summary>The discovery folder a bridge started with defaults writes to.</summary>
        public static string DefaultDirectory()
        {
            string dir = Environment.GetEnvironmentVariable("PIPEBRIDGE_DISCOVERY_DIR");
            if (!string.IsNullOrEmpty(dir)) return dir;
            string runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(runtime)) return Path.Combine(runtime, "pipebridge");
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pipebridge");
        }

        /// <summary>
        /// The bridge to connect to. PIPEBRIDGE_URL ("ws://host:port/rpc" or "tcp://host:port")
        /// wins when directory is null; otherwise the discovery file is read. Throws
        /// UnavailableException saying what was looked at when no live bridge is found.
        /// </summary>
        public static BridgeEndpoint Find(string directory = null)
        {
            if (directory == null)
            {
                string url = Environment.GetEnvironmentVariable("PIPEBRIDGE_URL");
                if (!string.IsNullOrEmpty(url)) return FromUrl(url, Environment.GetEnvironmentVariable("PIPEBRIDGE_TOKEN"));
                directory = DefaultDirectory();
            }
            string path = Path.Combine(directory, FileName);
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException)
            {
                throw new UnavailableException("no pipebridge is running: there is no " + FileName + " in " + directory);
            }
            catch (UnauthorizedAccessException)
            {
                throw new UnavailableException("cannot read " + FileName + " in " + directory + " (it belongs to another user?)");
            }
            JsonObject file;
            try
            {
                file = JsonReader.ParseObject(text);
            }
            catch (FormatException e)
            {
                // A bridge writing the file right now; the caller retries.
                throw new UnavailableException(FileName + " in " + directory + " is not valid JSON yet: " + e.Message);
            }
            var endpoints = file.GetObject("endpoints") ?? new JsonObject();
            var endpoint = new BridgeEndpoint
            {
                Token = file.GetString("token"),
                WebSocketUrl = endpoints.GetString("jsonrpc-ws"),
                TcpAddress = endpoints.GetString("jsonrpc-tcp"),
                ProtocolVersion = file.GetInt32("protocolVersion"),
                Pid = file.GetInt32("pid"),
                Version = file.GetString("version"),
            };
            if (endpoint.Pid > 0 && !ProcessIsAlive(endpoint.Pid))
                throw new UnavailableException("no pipebridge is running: " + FileName + " in " + directory +
                                               " names process " + endpoint.Pid + ", which has exited");
            return endpoint;
        }

        /// <summary>An endpoint from a URL: ws:// for WebSocket, tcp://host:port for JSON-RPC over TCP.</summary>
        public static BridgeEndpoint FromUrl(string url, string token)
        {
            var endpoint = new BridgeEndpoint { Token = token, ProtocolVersion = 1 };
            if (url.StartsWith("ws://", StringComparison.Ordinal) || url.StartsWith("wss://", StringComparison.Ordinal))
                endpoint.WebSocketUrl = url;
            else if (url.StartsWith("tcp://", StringComparison.Ordinal))
                endpoint.TcpAddress = url.Substring("tcp://".Length).TrimEnd('/');
            else
                throw new ArgumentException("PIPEBRIDGE_URL \"" + url + "\" is neither ws://host:port/rpc nor tcp://host:port");
            return endpoint;
        }

        static bool ProcessIsAlive(int pid)
        {
            try
            {
                using (var process = Process.GetProcessById(pid))
                    return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;  // no such process
            }
            catch (Exception)
            {
                return true;  // platforms without process access (some Unity players): trust the file
            }
        }
    }
}
