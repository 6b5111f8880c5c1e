// Parses JSON text (RFC 8259, strict) into the object model of JsonObject.cs.
using System;
using System.Globalization;
using System.Text;

namespace Pipebridge.Json
{
    /// <summary>Thrown for text that is not JSON; the message names the character offset.</summary>
    public sealed class JsonParseException : FormatException
    {
        public JsonParseException(string message, int position)
            : base(message + " at offset " + position)
        {
            Position = position;
        }

        /// <summary>Offset of the offending character in the text.</summary>
        public int Position { get; private set; }
    }

    public sealed class JsonReader
    {
        /// <summary>Nesting deeper than this is refused (the server refuses beyond 64 too).</summary>
        public const int MaxDepth = 512;

        readonly string text;
        int position;

        JsonReader(string text)
        {
            this.text = text;
        }

        /// <summary>The value of a complete JSON text; JsonParseException when it is not one.</summary>
        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            var reader = new JsonReader(text);
            reader.SkipWhitespace();
            object value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (reader.position != text.Length) throw reader.Error("unexpected text after the JSON value");
            return value;
        }

        /// <summary>Parses text that must be a JSON object.</summary>
        public static JsonObject ParseObject(string text)
        {
            var obj = Parse(text) as JsonObject;
            if (obj == null) throw new JsonParseException("expected a JSON object", 0);
            return obj;
        }

        object ReadValue(int depth)
        {
            if (depth > MaxDepth) throw Error("nested deeper than " + MaxDepth + " levels");
            if (position >= text.Length) throw Error("unexpected end of text");
            char c = text[position];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return ReadString();
                case 't': ReadLiteral("true"); return true;
                case 'f': ReadLiteral("false"); return false;
                case 'n': ReadLiteral("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                    throw Error("unexpected character '" + c + "'");
            }
        }

        JsonObject ReadObject(int depth)
        {
            var obj = new JsonObject();
            position++;  // {
            SkipWhitespace();
            if (Peek() == '}') { position++; return obj; }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"') throw Error("expected a member name");
                string name = ReadString();
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                // A duplicate name keeps the last value, as most parsers (and the server's) do.
                obj[name] = ReadValue(depth + 1);
                SkipWhitespace();
                char c = Peek();
                position++;
                if (c == '}') return obj;
                if (c != ',') { position--; throw Error("expected ',' or '}'"); }
            }
        }

        JsonArray ReadArray(int depth)
        {
            var array = new JsonArray();
            position++;  // [
            SkipWhitespace();
            if (Peek() == ']') { position++; return array; }
            while (true)
            {
                SkipWhitespace();
                array.Add(ReadValue(depth + 1));
                SkipWhitespace();
                char c = Peek();
                position++;
                if (c == ']') return array;
                if (c != ',') { position--; throw Error("expected ',' or ']'"); }
            }
        }

        string ReadString()
        {
            position++;  // opening quote
            StringBuilder built = null;
            int runStart = position;
            while (true)
            {
                if (position >= text.Length) throw Error("unterminated string");
                char c = text[position];
                if (c == '"')
                {
                    string tail = text.Substring(runStart, position - runStart);
                    position++;
                    return built == null ? tail : built.Append(tail).ToString();
                }
                if (c < 0x20) throw Error("control character in a string");
                if (c != '\\') { position++; continue; }
                if (built == null) built = new StringBuilder();
                built.Append(text, runStart, position - runStart);
                position++;
                if (position >= text.Length) throw Error("unterminated escape");
                char escape = text[position++];
                switch (escape)
                {
                    case '"': built.Append('"'); break;
                    case '\\': built.Append('\\'); break;
                    case '/': built.Append('/'); break;
                    case 'b': built.Append('\b'); break;
                    case 'f': built.Append('\f'); break;
                    case 'n': built.Append('\n'); break;
                    case 'r': built.Append('\r'); break;
                    case 't': built.Append('\t'); break;
                    case 'u': built.Append(ReadHex4()); break;  // surrogate pairs arrive as two escapes
                    default: position--; throw Error("unknown escape '\\" + escape + "'");
                }
                runStart = position;
            }
        }

        char ReadHex4()
        {
            if (position + 4 > text.Length) throw Error("short \\u escape");
            int code;
            if (!int.TryParse(text.Substring(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                throw Error("bad \\u escape");
            position += 4;
            return (char)code;
        }

        object ReadNumber()
        {
            int start = position;
            bool whole = true;
            if (Peek() == '-') position++;
            if (Peek() == '0') position++;
            else if (!ReadDigits()) throw Error("expected a digit");
            if (Peek() == '.')
            {
                whole = false;
                position++;
                if (!ReadDigits()) throw Error("expected a digit after '.'");
            }
            if (Peek() == 'e' || Peek() == 'E')
            {
                whole = false;
                position++;
                if (Peek() == '+' || Peek() == '-') position++;
                if (!ReadDigits()) throw Error("expected a digit in the exponent");
            }
            string literal = text.Substring(start, position - start);
            long integer;
            if (whole && long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer))
                return integer;
            double number;
            // Mono's double.Parse throws for 1e400 where newer runtimes give infinity; JSON
            // numbers beyond double's range are not ones the bridge sends, so refuse them.
            if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out number) || double.IsInfinity(number))
            {
                position = start;
                throw Error("number out of range");
            }
            return number;
        }

        bool ReadDigits()
        {
            int start = position;
            while (position < text.Length && text[position] >= '0' && text[position] <= '9') position++;
            return position > start;
        }

        void ReadLiteral(string literal)
        {
            if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
                throw Error("unexpected character '" + text[position] + "'");
            position += literal.Length;
        }

        void Expect(char c)
        {
            if (Peek() != c) throw Error("expected '" + c + "'");
            position++;
        }

        char Peek()
        {
            return position < text.Length ? text[position] : '\0';
        }

        void SkipWhitespace()
        {
            while (position < text.Length)
            {
                char c = text[position];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                position++;
            }
        }

        JsonParseException Error(string message)
        {
            return new JsonParseException(message, position);
        }
    }
}
