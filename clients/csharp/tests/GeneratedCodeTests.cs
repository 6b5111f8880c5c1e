// The generated surface (Services.g.cs) covers the whole contract and maps ProtoJSON types.
using System;
using System.Linq;
using System.Reflection;
using NUnit.Framework;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests.Unit
{
    [TestFixture]
    public class GeneratedCodeTests
    {
        [Test]
        public void EveryUnaryAndStreamingMethodOfTheContractHasATypedMethod()
        {
            Assert.That(Contract.Methods.Count, Is.GreaterThan(30), "the discover document lists the contract");
            foreach (var method in Contract.Methods)
            {
                string service = method.Key.Split('/')[0];
                string name = method.Key.Split('/')[1];
                var property = typeof(PipebridgeClient).GetProperty(service.Substring(service.LastIndexOf('.') + 1));
                Assert.IsNotNull(property, "PipebridgeClient has no property for " + service);
                string expected = method.Value == "unary" ? name + "Async" : name;
                var typed = property.PropertyType.GetMethod(expected, BindingFlags.Public | BindingFlags.Instance);
                if (method.Value == "bidi_streaming")
                    Assert.IsNull(typed, method.Key + " is gRPC-only over JSON-RPC");
                else
                    Assert.IsNotNull(typed, "no typed method for " + method.Key);
            }
        }

        [Test]
        public void MessagesAreLiveViewsOverTheirProtoJson()
        {
            var request = new FindEntitiesRequest { EntityType = "Shot", Fields = { "code" }, Page = new Page { Limit = 2 } };
            request.Order.Add(new SortOrder { FieldName = "code", Direction = SortDirection.Desc });
            Assert.AreEqual("{\"entityType\":\"Shot\",\"fields\":[\"code\"],\"page\":{\"limit\":2}," +
                            "\"order\":[{\"fieldName\":\"code\",\"direction\":\"SORT_DIRECTION_DESC\"}]}",
                            JsonWriter.Write(request.Json));
            request.Page = null;
            Assert.IsFalse(request.Json.ContainsKey("page"), "null unsets a message field");
        }

        [Test]
        public void Int64FieldsTravelAsStringsAndReadEitherForm()
        {
            var request = new SubscribeEventsRequest { AfterId = 9007199254740993L };
            Assert.AreEqual("9007199254740993", request.Json.Get("afterId"));
            var ev = new Event(JsonReader.ParseObject("{\"id\":\"42\",\"topic\":\"t\"}"));
            Assert.AreEqual(42L, ev.Id);
            Assert.AreEqual(7L, new Event(JsonReader.ParseObject("{\"id\":7}")).Id);
        }
    }
}
