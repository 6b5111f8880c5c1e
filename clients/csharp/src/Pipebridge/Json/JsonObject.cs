// The JSON object model every call takes and returns: objects are JsonObject (string keys,
// insertion order kept), arrays are JsonArray, and scalars are plain .NET values
// (string, long for whole numbers, double otherwise, bool, null).
using System;
using System.Collections.Generic;

namespace Pipebridge.Json
{
    /// <summary>A JSON object. Values are JsonObject, JsonArray, string, long, double, bool or null.</summary>
    public sealed class JsonObject : Dictionary<string, object>
    {
        public JsonObject() : base(StringComparer.Ordinal) { }

        public JsonObject(IDictionary<string, object> copyFrom) : base(copyFrom, StringComparer.Ordinal) { }

        /// <summary>Adds a member and returns this object, for collection-free chaining.</summary>
        public JsonObject With(string name, object value)
        {
            this[name] = value;
            return this;
        }

        /// <summary>The member's value, or null when absent.</summary>
        public object Get(string name)
        {
            object value;
            return TryGetValue(name, out value) ? value : null;
        }

        /// <summary>A string member; null when absent or null. Throws FormatException naming the member for another type.</summary>
        public string GetString(string name)
        {
            return JsonValues.AsString(Get(name), name);
        }

        /// <summary>
        /// A whole number; also accepts the decimal strings ProtoJSON prints int64 fields as
        /// ("12"). Returns fallback when absent or null.
        /// </summary>
        public long GetInt64(string name, long fallback = 0)
        {
            object value = Get(name);
            return value == null ? fallback : JsonValues.AsInt64(value, name);
        }

        public int GetInt32(string name, int fallback = 0)
        {
            object value = Get(name);
            return value == null ? fallback : JsonValues.AsInt32(value, name);
        }

        public double GetDouble(string name, double fallback = 0)
        {
            object value = Get(name);
            return value == null ? fallback : JsonValues.AsDouble(value, name);
        }

        public bool GetBool(string name, bool fallback = false)
        {
            object value = Get(name);
            return value == null ? fallback : JsonValues.AsBool(value, name);
        }

        /// <summary>An object member; null when absent or null.</summary>
        public JsonObject GetObject(string name)
        {
            return JsonValues.AsObject(Get(name), name);
        }

        /// <summary>An array member; an empty array when absent or null (ProtoJSON omits nothing, but hand-built objects may).</summary>
        public JsonArray GetArray(string name)
        {
            return JsonValues.AsArray(Get(name), name) ?? new JsonArray();
        }

        public override string ToString()
        {
            return JsonWriter.Write(this);
        }
    }

    /// <summary>A JSON array of values of the object model.</summary>
    public sealed class JsonArray : List<object>
    {
        public JsonArray() { }

        public JsonArray(IEnumerable<object> items) : base(items) { }

        /// <summary>An array of the given values: JsonArray.Of("code", "is", "sh010").</summary>
        public static JsonArray Of(params object[] items)
        {
            return new JsonArray(items);
        }

        public override string ToString()
        {
            return JsonWriter.Write(this);
        }
    }
}
