// Base of the typed message classes generated from the contract (Services.g.cs): each is a
// view over a JsonObject in ProtoJSON form, so unknown or future fields survive a round trip
// and any message can still be read or built as plain JSON.
using System;

namespace Pipebridge.Json
{
    public abstract class JsonMessage
    {
        protected JsonMessage(JsonObject json)
        {
            Json = json ?? new JsonObject();
        }

        /// <summary>The ProtoJSON object this message reads and writes.</summary>
        public JsonObject Json { get; private set; }

        public override string ToString()
        {
            return JsonWriter.Write(Json);
        }
    }
}
