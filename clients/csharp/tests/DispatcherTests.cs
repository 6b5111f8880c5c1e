// The main-thread queue a Unity MonoBehaviour drains each frame.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Pipebridge.Unity;

namespace Pipebridge.Tests.Unit
{
    [TestFixture]
    public class DispatcherTests
    {
        [Test]
        public void RunsWorkPostedFromOtherThreadsOnTheDrainingThreadInOrder()
        {
            var dispatcher = new MainThreadDispatcher();
            var ran = new List<int>();
            var threads = new HashSet<int>();
            var poster = new Thread(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    int n = i;
                    dispatcher.Post(() => { ran.Add(n); threads.Add(Thread.CurrentThread.ManagedThreadId); });
                }
            });
            poster.Start();
            Assert.IsTrue(poster.Join(TestSupport.WaitBound));
            Assert.AreEqual(0, ran.Count, "nothing runs before Drain");
            Assert.AreEqual(100, dispatcher.Drain());
            CollectionAssert.AreEqual(Enumerable.Range(0, 100), ran);
            CollectionAssert.AreEqual(new[] { Thread.CurrentThread.ManagedThreadId }, threads);
            Assert.IsTrue(dispatcher.IsOwnerThread);
            Assert.AreEqual(0, dispatcher.Drain());
        }

        [Test]
        public void WorkPostedWhileDrainingWaitsForTheNextFrame()
        {
            var dispatcher = new MainThreadDispatcher();
            int second = 0;
            dispatcher.Post(() => dispatcher.Post(() => second++));
            Assert.AreEqual(1, dispatcher.Drain());
            Assert.AreEqual(0, second);
            Assert.AreEqual(1, dispatcher.Drain());
            Assert.AreEqual(1, second);
        }

        [Test]
        public void ABudgetStopsTheFrameAndKeepsTheRestInOrder()
        {
            var dispatcher = new MainThreadDispatcher();
            var ran = new List<int>();
            for (int i = 0; i < 5; i++)
            {
                int n = i;
                dispatcher.Post(() => { ran.Add(n); Thread.Sleep(30); });
            }
            int first = dispatcher.Drain(TimeSpan.FromMilliseconds(45));
            Assert.That(first, Is.InRange(1, 2));
            dispatcher.Post(() => ran.Add(99));
            while (dispatcher.Pending > 0) dispatcher.Drain();
            CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 99 }, ran);
        }

        [Test]
        public void AThrowingActionIsReportedAndTheQueueGoesOn()
        {
            var dispatcher = new MainThreadDispatcher();
            var errors = new List<Exception>();
            dispatcher.OnError = errors.Add;
            bool after = false;
            dispatcher.Post(() => { throw new InvalidOperationException("boom"); });
            dispatcher.Post(() => after = true);
            Assert.AreEqual(2, dispatcher.Drain());
            Assert.IsTrue(after);
            Assert.AreEqual("boom", errors.Single().Message);
        }

        [Test]
        public async Task InvokeAsyncCompletesWithTheResultOrTheException()
        {
            var dispatcher = new MainThreadDispatcher();
            Task<int> answer = Task.Run(() => dispatcher.InvokeAsync(() => 42));
            Task failing = Task.Run(() => dispatcher.InvokeAsync(() => { throw new ArgumentException("bad"); }));
            var deadline = DateTime.UtcNow + TestSupport.WaitBound;
            while (!(answer.IsCompleted && failing.IsCompleted) && DateTime.UtcNow < deadline)
            {
                dispatcher.Drain();  // the test thread plays Unity's main thread
                await Task.Delay(5);
            }
            Assert.AreEqual(42, await answer);
            Assert.AreEqual("bad", (await TestSupport.ThrowsAsync<ArgumentException>(() => failing)).Message);
        }
    }
}
