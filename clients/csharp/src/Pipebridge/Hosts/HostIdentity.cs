// Who an attached application is, as it introduces itself to the bridge.
namespace Pipebridge.Hosts
{
    /// <summary>Who the host is; the `HostHello` of the contract minus the commands.</summary>
    public sealed class HostIdentity
    {
        /// <summary>Lower case: "unity", "maya", "photoshop", ...</summary>
        public string Application { get; set; }
        public string ApplicationVersion { get; set; }
        public int Pid { get; set; }
        public string SessionId { get; set; }
        public string User { get; set; }
        public string DisplayName { get; set; }
    }
}
