// The internal JSON reader and writer: the wire format of every call.
using System;
using NUnit.Framework;
using Pipebridge.Json;

namespace Pipebridge.Tests.Unit
{
    [TestFixture]
    public class JsonTests
    {
        [Test]
        public void ParsesEveryJsonTypeIntoTheObjectModel()
        {
            var obj = JsonReader.ParseObject("{\"s\":\"a\\u00e9\\n\\\"\",\"i\":-12,\"big\":\"9007199254740993\",\"d\":1.5e3," +
                                             "\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[2],{}],\"o\":{\"k\":\"v\"}}");
            Assert.AreEqual("aé\n\"", obj.GetString("s"));
            Assert.AreEqual(-12L, obj.Get("i"));
            Assert.AreEqual(9007199254740993L, obj.GetInt64("big"), "int64 fields arrive as strings");
            Assert.AreEqual(1500.0, obj.Get("d"));
            Assert.AreEqual(true, obj.GetBool("t"));
            Assert.AreEqual(false, obj.GetBool("f", true));
            Assert.IsNull(obj.Get("n"));
            Assert.AreEqual(3, obj.GetArray("a").Count);
            Assert.AreEqual("v", obj.GetObject("o").GetString("k"));
        }

        [Test]
        public void DecodesSurrogatePairEscapes()
        {
            Assert.AreEqual("\U0001F600", JsonReader.Parse("\"\\ud83d\\ude00\""));
        }

        [Test]
        public void KeepsMemberOrder()
        {
            Assert.AreEqual("{\"z\":1,\"a\":2,\"m\":3}", JsonWriter.Write(JsonReader.Parse("{\"z\":1,\"a\":2,\"m\":3}")));
        }

        [TestCase("{\"a\":1,}", 7)]
        [TestCase("[1 2]", 3)]
        [TestCase("{\"a\" 1}", 5)]
        [TestCase("01", 1)]
        [TestCase("\"tab\there\"", 4)]
        [TestCase("nul", 0)]
        [TestCase("{} x", 3)]
        [TestCase("", 0)]
        [TestCase("-", 1)]
        [TestCase("[1e400]", 1)]
        public void RefusesTextThatIsNotJsonNamingTheOffset(string text, int position)
        {
            var error = Assert.Throws<JsonParseException>(() => JsonReader.Parse(text));
            Assert.AreEqual(position, error.Position, error.Message);
            StringAssert.Contains("offset " + position, error.Message);
        }

        [Test]
        public void RefusesNestingDeeperThanTheLimit()
        {
            string deep = new string('[', JsonReader.MaxDepth + 2) + new string(']', JsonReader.MaxDepth + 2);
            StringAssert.Contains("nested deeper", Assert.Throws<JsonParseException>(() => JsonReader.Parse(deep)).Message);
        }

        [Test]
        public void WritesEscapesAndNumbersThatReadBackEqual()
        {
            var obj = new JsonObject()
                .With("text", "quote\" back\\ nl\n ctl\u0001 sep\u2028 é")
                .With("double", 0.1)
                .With("long", long.MinValue)
                .With("list", new[] { 1, 2 })
                .With("null", null);
            string text = JsonWriter.Write(obj);
            StringAssert.Contains("\\u0001", text);
            StringAssert.Contains("\\u2028", text);
            var back = JsonReader.ParseObject(text);
            Assert.AreEqual(obj.GetString("text"), back.GetString("text"));
            Assert.AreEqual(0.1, back.GetDouble("double"));
            Assert.AreEqual(long.MinValue, back.GetInt64("long"));
            Assert.AreEqual(new JsonArray { 1L, 2L }, back.GetArray("list"));
            Assert.IsTrue(back.ContainsKey("null"));
        }

        [Test]
        public void WritesTimesAsRfc3339Utc()
        {
            var time = new DateTime(2026, 11, 28, 19, 0, 1, 250, DateTimeKind.Utc);
            Assert.AreEqual("\"2026-11-28T19:00:01.2500000Z\"", JsonWriter.Write(time));
            Assert.AreEqual("\"2026-11-28T19:00:01.2500000Z\"", JsonWriter.Write(new DateTimeOffset(time).ToOffset(TimeSpan.FromHours(2))));
            StringAssert.Contains("unspecified", Assert.Throws<ArgumentException>(() => JsonWriter.Write(new DateTime(2026, 1, 1))).Message);
        }

        [Test]
        public void RefusesValuesJsonCannotHoldNamingTheirPath()
        {
            var error = Assert.Throws<ArgumentException>(() => JsonWriter.Write(new JsonObject().With("a", JsonArray.Of(1, double.NaN))));
            StringAssert.StartsWith("$.a[1]:", error.Message);
            var cycle = new JsonObject();
            cycle["self"] = cycle;
            StringAssert.Contains("cycle", Assert.Throws<ArgumentException>(() => JsonWriter.Write(cycle)).Message);
        }

        [Test]
        public void TypedGettersNameTheMemberOfTheWrongType()
        {
            var obj = JsonReader.ParseObject("{\"id\":\"x\",\"code\":3}");
            StringAssert.Contains("\"id\"", Assert.Throws<FormatException>(() => obj.GetInt64("id")).Message);
            StringAssert.Contains("\"code\" is a number, expected a string", Assert.Throws<FormatException>(() => obj.GetString("code")).Message);
        }
    }
}
