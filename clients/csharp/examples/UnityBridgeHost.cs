// Example: a Unity component that joins the pipeline as a host and listens for publishes.
//
// Add it to a scene object: it attaches this editor/player as host "unity" offering
// "unity.describeScene" (other tools call it through HostService/Invoke), and logs every
// new publish. Handlers and event callbacks run off the main thread, so whatever touches
// Unity objects goes through the MainThreadDispatcher that PipebridgeDispatcherBehaviour
// drains each frame.
#if UNITY_5_3_OR_NEWER
using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Pipebridge.Hosts;
using Pipebridge.Json;
using Pipebridge.Unity;
using UnityEngine;

namespace Pipebridge.Examples
{
    public sealed class UnityBridgeHost : MonoBehaviour
    {
        PipebridgeClient client;
        EventSubscription publishes;

        async void OnEnable()
        {
            MainThreadDispatcher mainThread = PipebridgeDispatcherBehaviour.Ensure();
            try
            {
                client = await PipebridgeClient.ConnectAsync();
                var describeScene = new HostCommand("unity.describeScene", invocation =>
                    // Unity's API is main-thread only: hop there, answer from there.
                    mainThread.InvokeAsync<object>(() => new JsonObject()
                        .With("scene", gameObject.scene.name)
                        .With("unityVersion", Application.unityVersion)))
                {
                    Title = "Describe the open scene",
                    ArgsSchema = new JsonObject().With("type", "object"),
                };
                await client.AttachHostAsync(new HostIdentity
                {
                    Application = "unity",
                    ApplicationVersion = Application.unityVersion,
                    Pid = Process.GetCurrentProcess().Id,
                    DisplayName = "Unity " + Application.unityVersion + " - " + gameObject.scene.name,
                }, new[] { describeScene });

                // Resumes after the last delivered event whenever the bridge restarts.
                publishes = client.SubscribeEvents(
                    new JsonObject().With("topics", JsonArray.Of("publish.created")),
                    ev => mainThread.Post(() => UnityEngine.Debug.Log("pipebridge: new publish " + ev.GetObject("payload"))));
            }
            catch (PipebridgeException e)
            {
                UnityEngine.Debug.LogWarning("pipebridge: not connected (" + PipebridgeException.StatusName(e.Code) + "): " + e.Message);
            }
        }

        void OnDisable()
        {
            if (publishes != null) publishes.Dispose();
            if (client != null) client.Dispose();  // detaches the host: the bridge fails its in-flight invocations
            publishes = null;
            client = null;
        }
    }
}
#endif
