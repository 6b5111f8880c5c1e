// Typed reads of object-model values, shared by JsonObject's getters and the generated
// message classes. A value of the wrong JSON type is a FormatException naming where it was.
using System;
using System.Globalization;

namespace Pipebridge.Json
{
    public static class JsonValues
    {
        /// <summary>null stays null.</summary>
        public static string AsString(object value, string where = "value")
        {
            if (value == null) return null;
            var text = value as string;
            if (text == null) throw WrongType(where, "a string", value);
            return text;
        }

        /// <summary>Accepts numbers and the decimal strings ProtoJSON prints int64 fields as.</summary>
        public static long AsInt64(object value, string where = "value")
        {
            if (value is long) return (long)value;
            if (value is int) return (int)value;
            if (value is double)
            {
                double number = (double)value;
                if (Math.Floor(number) == number && Math.Abs(number) < 9.2e18) return (long)number;
            }
            var text = value as string;
            long parsed;
            if (text != null && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out parsed))
                return parsed;
            throw WrongType(where, "a whole number", value);
        }

        public static int AsInt32(object value, string where = "value")
        {
            long number = AsInt64(value, where);
            if (number < int.MinValue || number > int.MaxValue) throw WrongType(where, "a 32-bit number", value);
            return (int)number;
        }

        public static double AsDouble(object value, string where = "value")
        {
            if (value is double) return (double)value;
            if (value is long) return (long)value;
            if (value is int) return (int)value;
            // ProtoJSON spells non-finite doubles as strings.
            var text = value as string;
            if (text == "NaN") return double.NaN;
            if (text == "Infinity") return double.PositiveInfinity;
            if (text == "-Infinity") return double.NegativeInfinity;
            throw WrongType(where, "a number", value);
        }

        public static bool AsBool(object value, string where = "value")
        {
            if (value is bool) return (bool)value;
            throw WrongType(where, "true or false", value);
        }

        /// <summary>null stays null.</summary>
        public static JsonObject AsObject(object value, string where = "value")
        {
            if (value == null) return null;
            var obj = value as JsonObject;
            if (obj == null) throw WrongType(where, "an object", value);
            return obj;
        }

        /// <summary>null stays null.</summary>
        public static JsonArray AsArray(object value, string where = "value")
        {
            if (value == null) return null;
            var array = value as JsonArray;
            if (array == null) throw WrongType(where, "an array", value);
            return array;
        }

        static FormatException WrongType(string where, string expected, object actual)
        {
            return new FormatException(string.Format(CultureInfo.InvariantCulture,
                "JSON member \"{0}\" is {1}, expected {2}", where, JsonWriter.DescribeType(actual), expected));
        }
    }
}
