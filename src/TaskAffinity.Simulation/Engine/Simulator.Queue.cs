using System.Collections.Immutable;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

/// <summary>Where a ready task waits while the workers are busy.</summary>
public enum QueueModel
{
    /// <summary>
    /// As the cluster's scheduler (SchedulerActor: TryPlace, Wait, PlacePending): a worker holds at most
    /// <see cref="Simulator.WorkerCapacity"/> tasks; a task whose chosen worker is that full waits in one central
    /// line, served in <see cref="Simulator.Line"/> order, and is placed by a new decision when a worker has room.
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

        private readonly bool _central;   // QueueModel.Central
        private readonly int _capacity;   // int.MaxValue unless central
        private readonly bool _stateless; // a decision that places nothing changes nothing (all but round-robin, whose turn moves on)
        private int _full;                // workers holding _capacity tasks

        /// <summary>
        /// Every worker is full, so no decision can place anything: a pass is skipped, which only saves time
        /// (a long line under overload would cost a decision per waiting type for every task that becomes ready).
        /// Not for round-robin: in the cluster each try takes a turn, and so it does here.
        /// </summary>
        private bool NoRoom => _stateless && _full == _workers.Length;

        private readonly WaitingLine<Waiting> _line;
        private long _queued;
        private int _longestLine;

        public (long Tasks, int Longest) Line => (_queued, _longestLine);

        /// <param name="PathAfter">The types on the longest path after it in its chain, counted, given when it
        /// joined our line (as a chain in the cluster sends them; empty in the others'): the line weighs them
        /// afresh at each pass.</param>
        private readonly record struct Waiting(ChainRun Chain, TraceTask Task, TaskType[] History, double ReadyAt, ImmutableArray<TypeCount> PathAfter);

        /// <summary>
        /// A task became ready: placed at once if the line is empty and the policy's choice has room, else it joins
        /// the line, which is then served (the cluster's OnPlace: Wait, then PlacePending).
        /// </summary>
        private void Enter(Waiting task)
        {
            if (LineLength == 0 && !NoRoom && TryPlace(task)) return;
            Wait(task);
            if (LineLength > 1) PlacePending();
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
            if (IsOracle) WaitShortestFirst(task);
            else _line.Add(new WaitingKey(task.Chain.Chain.ChainId, task.Task.Id, 1), task.Task.Type,
                _line.Order == LineOrder.ShortestExpected ? task with { PathAfter = task.Chain.Paths.TypesAfter(task.Task.Id) } : task);
            _queued++;
            _longestLine = Math.Max(_longestLine, LineLength);
        }

        /// <summary>
        /// Places waiting tasks, in the line's order (<see cref="WaitingLine{T}"/>, as SchedulerActor's
        /// PlacePending; the oracle's own, see Simulator.Oracle.cs), while their chosen workers have room.
        /// </summary>
        private void PlacePending()
        {
            if (IsOracle) ServeShortestFirst();
            else _line.Serve(entry => NoRoom ? LineTry.AllFull : TryPlace(entry.Item) ? LineTry.Served : LineTry.TypeFull);
        }
    }
}
