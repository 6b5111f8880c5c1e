// The JSON object model every call takes and returns: objects are JsonObject (string keys,
// insertion order kept), arrays are JsonArray, and scalars are plain .NET values
// (string, long for whole numbers, double otherwise, bool, null).
using System;
using System.Collections.Generic;
using System.Globalization;

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
            object value = Get(name);
            if (value == null) return null;
            string text = value as string;
            if (text == null) throw WrongType(name, "a string", value);
            return text;
        }

        /// <summary>
        /// A whole number; also accepts the decimal strings ProtoJSON prints int64 fields as
        /// ("12"). Returns fallback when absent or null.
        /// </summary>
        public long GetInt64(string name, long fallback = 0)
        {
            object value = Get(name);
            if (value == null) return fallback;
            if (value is long) return (long)value;
            if (value is double)
            {
                double number = (double)value;
                if (Math.Floor(number) == number && Math.Abs(number) < 9.2e18) return (long)number;
            }
            long parsed;
            var text = value as string;
            if (text != null && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out parsed))
                return parsed;
            throw WrongType(name, "a whole number", value);
        }

        public int GetInt32(string name, int fallback = 0)
        {
            long value = GetInt64(name, fallback);
            if (value < int.MinValue || value > int.MaxValue) throw WrongType(name, "a 32-bit number", value);
            return (int)value;
        }

        public double GetDouble(string name, double fallback = 0)
        {
            object value = Get(name);
            if (value == null) return fallback;
            if (value is double) return (double)value;
            if (value is long) return (long)value;
            throw WrongType(name, "a number", value);
        }

        public bool GetBool(string name, bool fallback = false)
        {
            object value = Get(name);
            if (value == null) return fallback;
            if (value is bool) return (bool)value;
            throw WrongType(name, "true or false", value);
        }

        /// <summary>An object member; null when absent or null.</summary>
        public JsonObject GetObject(string name)
        {
            object value = Get(name);
            if (value == null) return null;
            var obj = value as JsonObject;
            if (obj == null) throw WrongType(name, "an object", value);
            return obj;
        }

        /// <summary>An array member; an empty array when absent or null (ProtoJSON omits nothing, but hand-built objects may).</summary>
        public JsonArray GetArray(string name)
        {
            object value = Get(name);
            if (value == null) return new JsonArray();
            var array = value as JsonArray;
            if (array == null) throw WrongType(name, "an array", value);
            return array;
        }

        public override string ToString()
        {
            return JsonWriter.Write(this);
        }

        static FormatException WrongType(string name, string expected, object actual)
        {
            return new FormatException(string.Format(CultureInfo.InvariantCulture,
                "JSON member \"{0}\" is {1}, expected {2}", name, JsonWriter.DescribeType(actual), expected));
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
