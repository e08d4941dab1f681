using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

/// <summary>Where a ready task waits while the workers are busy.</summary>
public enum QueueModel
{
    /// <summary>
    /// As the cluster's scheduler (SchedulerActor: TryPlace, Wait, PlacePending): a worker holds at most
    /// <see cref="Simulator.WorkerCapacity"/> tasks; a task whose chosen worker is that full waits in one central
    /// line, in arrival order, and is placed by a new decision when a worker has room.
    /// </summary>
    Central,

    /// <summary>Every ready task is placed at once and joins its worker's queue, however long that is.</summary>
    Worker,
}

/// <summary>
/// One placement: the task, its worker, when it became ready, was placed, starts and will finish, the tasks the
/// worker then held (it included) and the policy's reason.
/// </summary>
internal readonly record struct PlacementRecord(string ChainId, string TaskId, TaskType Type, string WorkerId, double ReadyS, double PlacedS, double StartS,
    double FinishS, int Held, string Reason);

public sealed partial class Simulator
{
    private sealed partial class Replay
    {
        // ---- the central line ----

        private readonly bool _central;   // QueueModel.Central, and not the oracle
        private readonly int _capacity;   // int.MaxValue unless central
        private readonly bool _stateless; // a decision that places nothing changes nothing (all but round-robin, whose turn moves on)
        private int _full;                // workers holding _capacity tasks

        /// <summary>
        /// Every worker is full, so no decision can place anything: a pass is skipped, which only saves time
        /// (a long line under overload would cost a decision per waiting type for every task that becomes ready).
        /// Not for round-robin: in the cluster each try takes a turn, and so it does here.
        /// </summary>
        private bool NoRoom => _stateless && _full == _workers.Length;

        /// <summary>The line, one FIFO per task type; <see cref="Waiting.Order"/> is the place in the whole line.</summary>
        private readonly Dictionary<TaskType, TypeLine> _lines = new();
        private readonly List<TypeLine> _nonEmpty = [];
        private long _order, _queued;
        private int _lineLength, _longestLine, _pass;

        public (long Tasks, int Longest) Line => (_queued, _longestLine);

        private readonly record struct Waiting(ChainRun Chain, TraceTask Task, TaskType[] History, double ReadyAt, long Order);

        private sealed class TypeLine
        {
            public readonly Queue<Waiting> Tasks = new();
            public int FullInPass; // the pass of PlacePending in which this type found its chosen worker full
        }

        /// <summary>
        /// A task became ready: placed at once if the line is empty and the policy's choice has room, else it joins
        /// the line, which is then served (the cluster's OnPlace: Wait, then PlacePending).
        /// </summary>
        private void Enter(Waiting task)
        {
            if (_lineLength == 0 && !NoRoom && TryPlace(task)) return;
            Wait(task);
            if (_lineLength > 1) PlacePending();
        }

        /// <summary>A fresh decision, with the workers, profiles and tokens as they are now; false when the chosen worker is full.</summary>
        private bool TryPlace(in Waiting task)
        {
            var worker = Place(task.Chain, task.Task);
            if (_workers[worker].Queued >= _capacity) return false;
            Bind(task.Chain, task.Task, task.History, task.ReadyAt, worker);
            return true;
        }

        private void Wait(in Waiting task)
        {
            if (!_lines.TryGetValue(task.Task.Type, out var line)) _lines[task.Task.Type] = line = new TypeLine();
            if (line.Tasks.Count == 0) _nonEmpty.Add(line);
            line.Tasks.Enqueue(task);
            _queued++;
            _longestLine = Math.Max(_longestLine, ++_lineLength);
        }

        /// <summary>
        /// Places waiting tasks in arrival order while their chosen workers have room. As in SchedulerActor's
        /// PlacePending, once a task of a type finds its chosen worker full, later tasks of that type are not tried
        /// in this pass; the pass ends when every type waiting has. Walking the types' own lines by the order of
        /// their heads visits the tasks in the same order as one list would, without stepping over the tasks of
        /// the types already found full.
        /// </summary>
        private void PlacePending()
        {
            _pass++;
            while (!NoRoom)
            {
                TypeLine? next = null;
                foreach (var line in _nonEmpty)
                    if (line.FullInPass != _pass && (next is null || line.Tasks.Peek().Order < next.Tasks.Peek().Order))
                        next = line;
                if (next is null) return;
                if (!TryPlace(next.Tasks.Peek()))
                {
                    next.FullInPass = _pass;
                    continue;
                }
                next.Tasks.Dequeue();
                _lineLength--;
                if (next.Tasks.Count == 0) _nonEmpty.Remove(next);
            }
        }
    }
}
