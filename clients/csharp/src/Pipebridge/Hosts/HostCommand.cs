// A command this application offers to every other pipebridge client, with its handler.
using System;
using System.Threading.Tasks;
using Pipebridge.Json;

namespace Pipebridge.Hosts
{
    /// <summary>
    /// Runs one invocation and returns its result (any JSON value of the object model).
    /// Throw PipebridgeException to answer with a code (InvalidArgumentException, ...);
    /// other exceptions answer INTERNAL. Runs on the thread pool: post Unity work to a MainThreadDispatcher.
    /// </summary>
    public delegate Task<object> HostCommandHandler(HostInvocation invocation);

    public sealed class HostCommand
    {
        public HostCommand(string name, HostCommandHandler handler)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("a host command needs a name");
            if (handler == null) throw new ArgumentNullException("handler");
            Name = name;
            Handler = handler;
        }

        /// <summary>Dotted name, e.g. "unity.loadAsset".</summary>
        public string Name { get; private set; }
        public string Title { get; set; }
        public string Description { get; set; }
        /// <summary>JSON Schema of the arguments; the bridge validates every invocation's args against it.</summary>
        public JsonObject ArgsSchema { get; set; }
        /// <summary>JSON Schema of the result (documentation for callers).</summary>
        public JsonObject ResultSchema { get; set; }
        public HostCommandHandler Handler { get; private set; }

        /// <summary>The `Command` object of the contract.</summary>
        internal JsonObject ToJson()
        {
            var json = new JsonObject().With("name", Name);
            if (Title != null) json["title"] = Title;
            if (Description != null) json["description"] = Description;
            if (ArgsSchema != null) json["argsSchema"] = ArgsSchema;
            if (ResultSchema != null) json["resultSchema"] = ResultSchema;
            return json;
        }
    }
}
