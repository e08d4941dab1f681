using System.Diagnostics;
using Akka.Actor;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// When an actor that sends several messages as one (a client's submissions, a node's answers to a client) sends
/// what waits: at once when it is quiet, and a millisecond later when its last batch left less than a millisecond
/// ago. Busy, it then sends one message for what a millisecond brings instead of one for each; quiet, nothing waits.
/// </summary>
public sealed class FlushTimer(object flush)
{
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(1);

    private long _lastFlush;

    /// <summary>Call when the first message starts waiting: <c>flush</c> reaches <paramref name="self"/> when it should go.</summary>
    public void Schedule(IActorRef self)
    {
        if (Stopwatch.GetElapsedTime(_lastFlush) >= Linger)
            self.Tell(flush); // after what is already in the mailbox
        else
            Task.Delay(Linger).ContinueWith(_ => flush, TaskScheduler.Default).PipeTo(self);
    }

    /// <summary>Call when what waited has been sent.</summary>
    public void Flushed() => _lastFlush = Stopwatch.GetTimestamp();
}
