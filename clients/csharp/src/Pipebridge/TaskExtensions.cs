// Background work the caller does not await: its exceptions are observed here, so a
// failure never surfaces later as an UnobservedTaskException in the host application.
using System.Threading.Tasks;

namespace Pipebridge
{
    static class TaskExtensions
    {
        internal static void Forget(this Task task)
        {
            task.ContinueWith(t => { var observed = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
