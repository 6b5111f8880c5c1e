// Every failure a call reports: one exception type with the gRPC status code, plus a subclass
// per code callers commonly catch. Errors get their code here and only here (FromRpcError).
using System;
using Pipebridge.Json;

namespace Pipebridge
{
    public class PipebridgeException : Exception
    {
        public PipebridgeException(StatusCode code, string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(message, inner)
        {
            Code = code;
            Details = details;
            RpcCode = rpcCode != 0 ? rpcCode : (int)code;
        }

        /// <summary>The gRPC status code.</summary>
        public StatusCode Code { get; private set; }

        /// <summary>
        /// The JSON-RPC error.code as received: the gRPC code (1..16) once the call reached its
        /// handler, or a JSON-RPC protocol code (-32700..-32600) for a request the server could
        /// not decode. Equal to (int)Code for errors raised in this client.
        /// </summary>
        public int RpcCode { get; private set; }

        /// <summary>
        /// True when the bridge answered with this error; false when this client raised it (a
        /// deadline that passed with no answer, a dropped connection, a call cancelled here).
        /// </summary>
        public bool FromBridge { get; private set; }

        /// <summary>error.data.details of the server's answer, when it had any.</summary>
        public object Details { get; private set; }

        /// <summary>The exception for a JSON-RPC error object, of the subclass its code maps to.</summary>
        public static PipebridgeException FromRpcError(JsonObject error)
        {
            long rpcCode = 0;
            string message = "(no message)";
            object details = null;
            StatusCode code = StatusCode.Unknown;
            try
            {
                rpcCode = error.GetInt64("code");
                message = error.GetString("message") ?? message;
                var data = error.Get("data") as JsonObject;
                if (data != null) details = data.Get("details");
                code = CodeOfRpcError(rpcCode, data != null ? data.Get("status") as string : null);
            }
            catch (FormatException)
            {
                message = "malformed error from the server: " + JsonWriter.Write(error);
            }
            var exception = Create(code, message, details, (int)rpcCode);
            exception.FromBridge = true;
            return exception;
        }

        /// <summary>
        /// JSON-RPC protocol codes are the server refusing the request as sent: -32602 (params
        /// that do not decode) and -32600 are the caller's bad input, -32601 a method the
        /// server does not serve, -32700 text it could not parse, -32603 its own failure.
        /// </summary>
        static StatusCode CodeOfRpcError(long rpcCode, string statusName)
        {
            if (rpcCode >= 1 && rpcCode <= 16) return (StatusCode)rpcCode;
            switch (rpcCode)
            {
                case -32700: return StatusCode.InvalidArgument;
                case -32600: return StatusCode.InvalidArgument;
                case -32601: return StatusCode.Unimplemented;
                case -32602: return StatusCode.InvalidArgument;
                case -32603: return StatusCode.Internal;
            }
            StatusCode named;
            if (statusName != null && TryParseStatusName(statusName, out named)) return named;
            return StatusCode.Unknown;
        }

        /// <summary>"NOT_FOUND" -> StatusCode.NotFound.</summary>
        public static bool TryParseStatusName(string name, out StatusCode code)
        {
            foreach (StatusCode candidate in Enum.GetValues(typeof(StatusCode)))
            {
                if (string.Equals(StatusName(candidate), name, StringComparison.Ordinal))
                {
                    code = candidate;
                    return true;
                }
            }
            code = StatusCode.Unknown;
            return false;
        }

        /// <summary>StatusCode.NotFound -> "NOT_FOUND", as the wire names codes.</summary>
        public static string StatusName(StatusCode code)
        {
            switch (code)
            {
                case StatusCode.OK: return "OK";
                case StatusCode.Cancelled: return "CANCELLED";
                case StatusCode.Unknown: return "UNKNOWN";
                case StatusCode.InvalidArgument: return "INVALID_ARGUMENT";
                case StatusCode.DeadlineExceeded: return "DEADLINE_EXCEEDED";
                case StatusCode.NotFound: return "NOT_FOUND";
                case StatusCode.AlreadyExists: return "ALREADY_EXISTS";
                case StatusCode.PermissionDenied: return "PERMISSION_DENIED";
                case StatusCode.ResourceExhausted: return "RESOURCE_EXHAUSTED";
                case StatusCode.FailedPrecondition: return "FAILED_PRECONDITION";
                case StatusCode.Aborted: return "ABORTED";
                case StatusCode.OutOfRange: return "OUT_OF_RANGE";
                case StatusCode.Unimplemented: return "UNIMPLEMENTED";
                case StatusCode.Internal: return "INTERNAL";
                case StatusCode.Unavailable: return "UNAVAILABLE";
                case StatusCode.DataLoss: return "DATA_LOSS";
                case StatusCode.Unauthenticated: return "UNAUTHENTICATED";
                default: return "UNKNOWN";
            }
        }

        /// <summary>An exception of the subclass for code (NotFoundException for NotFound, ...).</summary>
        public static PipebridgeException Create(StatusCode code, string message, object details = null, int rpcCode = 0, Exception inner = null)
        {
            switch (code)
            {
                case StatusCode.Cancelled: return new CancelledException(message, details, rpcCode, inner);
                case StatusCode.InvalidArgument: return new InvalidArgumentException(message, details, rpcCode, inner);
                case StatusCode.DeadlineExceeded: return new DeadlineExceededException(message, details, rpcCode, inner);
                case StatusCode.NotFound: return new NotFoundException(message, details, rpcCode, inner);
                case StatusCode.AlreadyExists: return new AlreadyExistsException(message, details, rpcCode, inner);
                case StatusCode.FailedPrecondition: return new FailedPreconditionException(message, details, rpcCode, inner);
                case StatusCode.ResourceExhausted: return new ResourceExhaustedException(message, details, rpcCode, inner);
                case StatusCode.Unimplemented: return new UnimplementedException(message, details, rpcCode, inner);
                case StatusCode.Unavailable: return new UnavailableException(message, details, rpcCode, inner);
                case StatusCode.Unauthenticated: return new UnauthenticatedException(message, details, rpcCode, inner);
                default: return new PipebridgeException(code, message, details, rpcCode, inner);
            }
        }

        public override string ToString()
        {
            return StatusName(Code) + ": " + base.ToString();
        }
    }

    public sealed class CancelledException : PipebridgeException
    {
        public CancelledException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.Cancelled, message, details, rpcCode, inner) { }
    }

    public sealed class InvalidArgumentException : PipebridgeException
    {
        public InvalidArgumentException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.InvalidArgument, message, details, rpcCode, inner) { }
    }

    public sealed class DeadlineExceededException : PipebridgeException
    {
        public DeadlineExceededException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.DeadlineExceeded, message, details, rpcCode, inner) { }
    }

    public sealed class NotFoundException : PipebridgeException
    {
        public NotFoundException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.NotFound, message, details, rpcCode, inner) { }
    }

    public sealed class AlreadyExistsException : PipebridgeException
    {
        public AlreadyExistsException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.AlreadyExists, message, details, rpcCode, inner) { }
    }

    public sealed class FailedPreconditionException : PipebridgeException
    {
        public FailedPreconditionException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.FailedPrecondition, message, details, rpcCode, inner) { }
    }

    public sealed class ResourceExhaustedException : PipebridgeException
    {
        public ResourceExhaustedException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.ResourceExhausted, message, details, rpcCode, inner) { }
    }

    public sealed class UnimplementedException : PipebridgeException
    {
        public UnimplementedException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.Unimplemented, message, details, rpcCode, inner) { }
    }

    public sealed class UnavailableException : PipebridgeException
    {
        public UnavailableException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.Unavailable, message, details, rpcCode, inner) { }
    }

    public sealed class UnauthenticatedException : PipebridgeException
    {
        public UnauthenticatedException(string message, object details = null, int rpcCode = 0, Exception inner = null)
            : base(StatusCode.Unauthenticated, message, details, rpcCode, inner) { }
    }
}
