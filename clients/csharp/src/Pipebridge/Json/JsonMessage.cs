// Base of the typed message classes generated from the contract (Services.g.cs): each is a
// view over a JsonObject in ProtoJSON form, so fields a newer server adds survive a round
// trip and any message can still be read or built as plain JSON. The helpers below are
// what the generated properties call.
using System;
using System.Globalization;

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

        /// <summary>A message-typed member, wrapped; null when absent.</summary>
        protected T GetMessage<T>(string name, Func<JsonObject, T> wrap) where T : JsonMessage
        {
            var obj = Json.GetObject(name);
            return obj == null ? null : wrap(obj);
        }

        /// <summary>Sets a message-typed member; null removes it (an unset field).</summary>
        protected void SetMessage(string name, JsonMessage value)
        {
            if (value == null) Json.Remove(name);
            else Json[name] = value.Json;
        }

        /// <summary>Sets a member holding any JSON value; null removes it.</summary>
        protected void SetValue(string name, object value)
        {
            if (value == null) Json.Remove(name);
            else Json[name] = value;
        }

        /// <summary>64-bit integers travel as decimal strings in ProtoJSON.</summary>
        protected void SetInt64(string name, long value)
        {
            Json[name] = value.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>A live typed view of an array member, created empty when absent.</summary>
        protected JsonArrayView<T> GetList<T>(string name, Func<object, T> read, Func<T, object> write)
        {
            var array = Json.Get(name) as JsonArray;
            if (array == null)
            {
                array = new JsonArray();
                Json[name] = array;
            }
            return new JsonArrayView<T>(array, read, write);
        }
    }
}
