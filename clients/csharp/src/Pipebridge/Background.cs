// Background work the caller does not await, and user callbacks raised from the client's
// own threads: neither may throw into the machinery that keeps the connection alive.
using System;
using System.Threading.Tasks;

namespace Pipebridge
{
    static class Background
    {
        /// <summary>Runs a user callback; what it throws is dropped (it must not stop a reconnection).</summary>
        internal static void RaiseSafely(Action callback)
        {
            if (callback == null) return;
            try { callback(); }
            catch (Exception) { /* the application's handler failed; the client goes on */ }
        }

        internal static void Forget(this Task task)
        {
            task.ContinueWith(t => { var observed = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
