// The MonoBehaviour that drains a MainThreadDispatcher every frame. Compiled only inside Unity
// (UNITY_5_3_OR_NEWER); the queue itself has no UnityEngine dependency.
#if UNITY_5_3_OR_NEWER
using System;
using UnityEngine;

namespace Pipebridge.Unity
{
    [DisallowMultipleComponent]
    public sealed class PipebridgeDispatcherBehaviour : MonoBehaviour
    {
        static PipebridgeDispatcherBehaviour instance;

        /// <summary>The dispatcher drained on Unity's main thread.</summary>
        public static MainThreadDispatcher Dispatcher { get; private set; }

        /// <summary>Milliseconds of queued work run per frame at most, so a burst of events never stalls a frame.</summary>
        public float budgetMilliseconds = 4f;

        /// <summary>Creates the hidden, persistent drainer once; call from the main thread (e.g. RuntimeInitializeOnLoadMethod).</summary>
        public static MainThreadDispatcher Ensure()
        {
            if (instance == null)
            {
                var host = new GameObject("Pipebridge Dispatcher");
                host.hideFlags = HideFlags.HideAndDontSave;
                if (Application.isPlaying) DontDestroyOnLoad(host);
                instance = host.AddComponent<PipebridgeDispatcherBehaviour>();
            }
            return Dispatcher;
        }

        void Awake()
        {
            if (Dispatcher == null) Dispatcher = new MainThreadDispatcher();
            Dispatcher.OnError = e => Debug.LogException(e);
        }

        void Update()
        {
            Dispatcher.Drain(TimeSpan.FromMilliseconds(budgetMilliseconds));
        }
    }
}
#endif
