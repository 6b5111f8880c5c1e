// JSON-RPC error objects become typed exceptions, and handler exceptions become error objects.
using System;
using NUnit.Framework;
using Pipebridge.Json;

namespace Pipebridge.Tests.Unit
{
    [TestFixture]
    public class ErrorMappingTests
    {
        [Test]
        public void GrpcCodesMapToTheirSubclass()
        {
            var error = PipebridgeException.FromRpcError(JsonReader.ParseObject(
                "{\"code\":5,\"message\":\"Shot 9 not found\",\"data\":{\"status\":\"NOT_FOUND\",\"details\":[{\"k\":1}]}}"));
            Assert.IsInstanceOf<NotFoundException>(error);
            Assert.AreEqual(StatusCode.NotFound, error.Code);
            Assert.AreEqual(5, error.RpcCode);
            Assert.AreEqual("Shot 9 not found", error.Message);
            Assert.AreEqual(1, ((JsonArray)error.Details).Count);
            Assert.IsTrue(error.FromBridge);
            Assert.IsFalse(PipebridgeException.Create(StatusCode.NotFound, "raised here").FromBridge);
        }

        [TestCase(-32602, StatusCode.InvalidArgument)]
        [TestCase(-32600, StatusCode.InvalidArgument)]
        [TestCase(-32700, StatusCode.InvalidArgument)]
        [TestCase(-32601, StatusCode.Unimplemented)]
        [TestCase(-32603, StatusCode.Internal)]
        public void ProtocolCodesMapToTheClosestStatusAndKeepTheRpcCode(int rpcCode, StatusCode expected)
        {
            var error = PipebridgeException.FromRpcError(new JsonObject().With("code", (long)rpcCode).With("message", "m"));
            Assert.AreEqual(expected, error.Code);
            Assert.AreEqual(rpcCode, error.RpcCode);
        }

        [Test]
        public void HandlerExceptionsBecomeErrorObjectsWithTheirCode()
        {
            var notFound = JsonRpcConnection.ErrorObject(new NotFoundException("no layer \"bg\""));
            Assert.AreEqual(5L, notFound.Get("code"));
            Assert.AreEqual("NOT_FOUND", notFound.GetObject("data").GetString("status"));
            Assert.AreEqual(3L, JsonRpcConnection.ErrorObject(new ArgumentException("x")).Get("code"));
            Assert.AreEqual(1L, JsonRpcConnection.ErrorObject(new OperationCanceledException()).Get("code"));
            var crash = JsonRpcConnection.ErrorObject(new NullReferenceException("oops"));
            Assert.AreEqual(13L, crash.Get("code"));
            StringAssert.Contains("NullReferenceException", crash.GetString("message"));
        }

        [Test]
        public void StatusNamesRoundTrip()
        {
            foreach (StatusCode code in Enum.GetValues(typeof(StatusCode)))
            {
                StatusCode parsed;
                Assert.IsTrue(PipebridgeException.TryParseStatusName(PipebridgeException.StatusName(code), out parsed));
                Assert.AreEqual(code, parsed);
            }
        }
    }
}
