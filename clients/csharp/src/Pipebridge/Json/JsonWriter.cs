// Serializes the object model (and common .NET values) to compact JSON text.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Pipebridge.Json
{
    public static class JsonWriter
    {
        /// <summary>
        /// JSON text of value. Accepts the object model plus any IDictionary with string keys,
        /// IEnumerable, integer and floating-point types, enums (written by name), DateTime and
        /// DateTimeOffset (RFC 3339 UTC, as ProtoJSON Timestamps) and JsonMessage.
        /// Throws ArgumentException naming the path of a value JSON cannot hold (NaN, a cycle, an unknown type).
        /// </summary>
        public static string Write(object value)
        {
            var text = new StringBuilder();
            Append(text, value, "$", 0);
            return text.ToString();
        }

        const int MaxDepth = 128;  // deeper than the server's limit (64): a cycle, not data

        static void Append(StringBuilder text, object value, string path, int depth)
        {
            if (depth > MaxDepth) throw new ArgumentException(path + ": nested deeper than " + MaxDepth + " levels (a cycle?)");
            if (value == null) { text.Append("null"); return; }
            var message = value as JsonMessage;
            if (message != null) value = message.Json;
            var str = value as string;
            if (str != null) { AppendString(text, str); return; }
            if (value is bool) { text.Append((bool)value ? "true" : "false"); return; }
            if (value is long || value is int || value is short || value is sbyte || value is ulong ||
                value is uint || value is ushort || value is byte)
            {
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            }
            if (value is double || value is float || value is decimal)
            {
                double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(number) || double.IsInfinity(number))
                    throw new ArgumentException(path + ": " + number + " has no JSON form");
                text.Append(number.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            if (value is Enum) { AppendString(text, value.ToString()); return; }
            // Times as ProtoJSON writes Timestamps: RFC 3339 in UTC.
            if (value is DateTime)
            {
                var time = (DateTime)value;
                if (time.Kind == DateTimeKind.Unspecified)
                    throw new ArgumentException(path + ": a DateTime of unspecified kind is ambiguous; use UTC or local");
                AppendString(text, time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                return;
            }
            if (value is DateTimeOffset)
            {
                AppendString(text, ((DateTimeOffset)value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                return;
            }
            var dictionary = value as IDictionary;
            if (dictionary != null)
            {
                text.Append('{');
                bool first = true;
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string;
                    if (key == null) throw new ArgumentException(path + ": object keys must be strings");
                    if (!first) text.Append(',');
                    first = false;
                    AppendString(text, key);
                    text.Append(':');
                    Append(text, entry.Value, path + "." + key, depth + 1);
                }
                text.Append('}');
                return;
            }
            var items = value as IEnumerable;
            if (items != null)
            {
                text.Append('[');
                int index = 0;
                foreach (object item in items)
                {
                    if (index > 0) text.Append(',');
                    Append(text, item, path + "[" + index + "]", depth + 1);
                    index++;
                }
                text.Append(']');
                return;
            }
            throw new ArgumentException(path + ": " + value.GetType().Name + " has no JSON form");
        }

        static void AppendString(StringBuilder text, string value)
        {
            text.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    case '\b': text.Append("\\b"); break;
                    case '\f': text.Append("\\f"); break;
                    default:
                        // U+2028/2029 too: JavaScript peers may embed the text in source.
                        if (c < 0x20 || c == '\u2028' || c == '\u2029')
                            text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            text.Append(c);
                        break;
                }
            }
            text.Append('"');
        }

        /// <summary>A short name of a value's JSON type, for error messages.</summary>
        public static string DescribeType(object value)
        {
            if (value == null) return "null";
            if (value is string) return "a string";
            if (value is bool) return "a boolean";
            if (value is long || value is double) return "a number";
            if (value is JsonObject) return "an object";
            if (value is JsonArray) return "an array";
            return value.GetType().Name;
        }
    }
}
