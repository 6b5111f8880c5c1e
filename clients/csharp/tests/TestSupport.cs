// Assertions NUnit 2.6 lacks: async throws, and bounded waits for things that happen later.
using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Pipebridge.Tests
{
    static class TestSupport
    {
        /// <summary>Bound on any single wait in these tests.</summary>
        public static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(15);

        public static async Task<T> ThrowsAsync<T>(Func<Task> action) where T : Exception
        {
            try
            {
                await WithinBound(action(), "the call");
            }
            catch (T expected)
            {
                return expected;
            }
            catch (Exception other)
            {
                Assert.Fail("expected " + typeof(T).Name + ", got " + other.GetType().Name + ": " + other.Message);
            }
            Assert.Fail("expected " + typeof(T).Name + ", but the call succeeded");
            return null;
        }

        /// <summary>Awaits task, failing the test if it takes longer than WaitBound.</summary>
        public static async Task WithinBound(Task task, string what)
        {
            if (await Task.WhenAny(task, Task.Delay(WaitBound)) != task)
                Assert.Fail(what + " did not finish within " + WaitBound.TotalSeconds + " s");
            await task;
        }

        public static async Task<T> WithinBound<T>(Task<T> task, string what)
        {
            await WithinBound((Task)task, what);
            return task.Result;
        }

        /// <summary>
        /// Runs a fixture's set-up; if it throws, runs its tear-down before rethrowing (NUnit 2.6
        /// skips TestFixtureTearDown after a failed TestFixtureSetUp, which would leak the server).
        /// </summary>
        public static void SetUpOrTearDown(Action setUp, Action tearDown)
        {
            try
            {
                setUp();
            }
            catch
            {
                tearDown();
                throw;
            }
        }

        /// <summary>Polls an asynchronous condition (a call to the bridge) until it holds or WaitBound passes.</summary>
        public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
        {
            var deadline = DateTime.UtcNow + WaitBound;
            while (!await condition())
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
                await Task.Delay(20);
            }
        }

        /// <summary>Polls condition until it holds or WaitBound passes.</summary>
        public static async Task Eventually(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + WaitBound;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
                await Task.Delay(20);
            }
        }
    }
}
