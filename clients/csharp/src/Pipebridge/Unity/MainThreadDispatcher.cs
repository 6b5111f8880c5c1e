// A queue of work for one thread (Unity's main thread): any thread posts, the owner drains it
// once per frame. Needs no UnityEngine, so it is tested outside Unity; the MonoBehaviour that
// drains it is PipebridgeDispatcherBehaviour.cs.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Pipebridge.Unity
{
    public sealed class MainThreadDispatcher
    {
        readonly object gate = new object();
        Queue<Action> queue = new Queue<Action>();
        Queue<Action> draining = new Queue<Action>();
        int ownerThreadId = -1;

        /// <summary>Work that threw while draining is reported here (the queue goes on); default: ignored.</summary>
        public Action<Exception> OnError { get; set; }

        /// <summary>Actions waiting.</summary>
        public int Pending { get { lock (gate) return queue.Count; } }

        /// <summary>True on the thread that last called Drain (Unity's main thread).</summary>
        public bool IsOwnerThread { get { return Thread.CurrentThread.ManagedThreadId == Volatile.Read(ref ownerThreadId); } }

        /// <summary>Queues work for the next Drain; safe from any thread.</summary>
        public void Post(Action action)
        {
            if (action == null) throw new ArgumentNullException("action");
            lock (gate) queue.Enqueue(action);
        }

        /// <summary>Runs func on the draining thread and completes with its result (or its exception).</summary>
        public Task<T> InvokeAsync<T>(Func<T> func)
        {
            if (func == null) throw new ArgumentNullException("func");
            var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() =>
            {
                try { completion.TrySetResult(func()); }
                catch (Exception e) { completion.TrySetException(e); }
            });
            return completion.Task;
        }

        public Task InvokeAsync(Action action)
        {
            if (action == null) throw new ArgumentNullException("action");
            return InvokeAsync<bool>(() => { action(); return true; });
        }

        /// <summary>
        /// Runs queued work in posting order, on the calling thread, until the queue is empty
        /// or budget is spent (work posted while draining waits for the next call, so one
        /// frame cannot be held forever). Returns how many actions ran.
        /// </summary>
        public int Drain(TimeSpan? budget = null)
        {
            Volatile.Write(ref ownerThreadId, Thread.CurrentThread.ManagedThreadId);
            lock (gate)
            {
                if (queue.Count == 0) return 0;
                // Swap so posters never wait on the work itself.
                var full = queue;
                queue = draining;
                draining = full;
            }
            var clock = budget.HasValue ? Stopwatch.StartNew() : null;
            int ran = 0;
            while (draining.Count > 0)
            {
                if (clock != null && ran > 0 && clock.Elapsed >= budget.Value) break;
                var action = draining.Dequeue();
                ran++;
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    var report = OnError;
                    if (report != null) report(e);
                }
            }
            if (draining.Count > 0)
            {
                // Out of budget: what is left goes ahead of anything posted meanwhile.
                lock (gate)
                {
                    while (queue.Count > 0) draining.Enqueue(queue.Dequeue());
                    var rest = draining;
                    draining = queue;
                    queue = rest;
                }
            }
            return ran;
        }
    }
}
