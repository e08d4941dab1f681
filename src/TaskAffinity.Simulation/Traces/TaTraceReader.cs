using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Simulation.Traces;

/// <summary>
/// Reads a <c>.tatrace.csv</c> file (shared/formats/TRACE.md) as a stream of chains, one chain in memory at
/// a time, so traces of millions of rows can be replayed.
/// <para>
/// Streaming rule: the rows of one chain must be contiguous. A chain is the run of consecutive rows with the
/// same <c>chain</c> value and is yielded as soon as the next chain's first row (or the end of the file) is
/// read; a chain id that reappears after another chain began is an error. Only the ids and line spans of
/// finished chains are remembered, to report that error.
/// </para>
/// <para>
/// The first bad row stops the reading with a <see cref="TraceFormatException"/> naming the file, the line
/// the row starts on (1-based; the header is line 1) and the column. Chains finished before it have already
/// been yielded. Checks that need the whole chain (<c>after</c> ids present, no cycle) run when the chain ends.
/// </para>
/// <para>
/// Where TRACE.md leaves a choice: an empty or blank cell is "not given"; <c>arrival_s</c>, <c>chain</c>,
/// <c>task</c> and <c>type</c> must be given, a missing <c>duration_s</c>, <c>cpu</c> or <c>mem_mb</c> is 0, a
/// missing <c>host</c> is null and a missing <c>app</c> is "". Text is kept as written (not trimmed). A chain
/// arrives at its first row's <c>arrival_s</c> and has its first row's <c>app</c>; a later row may not arrive
/// earlier than that row nor than the trace's first row, and may not name another app. Task ids may not hold
/// spaces (<c>after</c> separates ids with spaces); duplicates in <c>after</c> count once. A file with only a
/// header is an empty trace.
/// </para>
/// </summary>
public static class TaTraceReader
{
    internal static readonly ImmutableArray<string> Columns =
        ["arrival_s", "app", "chain", "task", "type", "after", "duration_s", "cpu", "mem_mb", "inputs", "outputs", "host"];

    private const int ArrivalS = 0, App = 1, Chain = 2, Task = 3, Type = 4, After = 5,
        DurationS = 6, Cpu = 7, MemMb = 8, Inputs = 9, Outputs = 10, Host = 11;

    // Invalid bytes are reported rather than silently replaced by U+FFFD; CsvRows skips a UTF-8 BOM.
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Streams the chains of a .tatrace.csv file in file order; throws <see cref="TraceFormatException"/> on the first bad row.</summary>
    /// <remarks>The file is opened when enumeration starts and closed when it ends; errors name <paramref name="path"/> as given.</remarks>
    public static IEnumerable<TraceChain> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFile(path);
    }

    /// <summary>Streams the chains read from <paramref name="reader"/>; errors name <paramref name="fileName"/>. The reader is not disposed.</summary>
    public static IEnumerable<TraceChain> Read(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(fileName);
        return ReadChains(reader, fileName);
    }

    private static IEnumerable<TraceChain> ReadFile(string path)
    {
        var options = new FileStreamOptions { BufferSize = 64 * 1024, Options = FileOptions.SequentialScan };
        using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: false, options);
        foreach (var chain in ReadChains(reader, path))
            yield return chain;
    }

    private static IEnumerable<TraceChain> ReadChains(TextReader reader, string fileName)
    {
        using var rows = new CsvRows(reader, fileName, Columns).Read().GetEnumerator();
        if (!rows.MoveNext())
            throw new TraceFormatException(fileName, "line 1", "header",
                $"the file is empty; it must start with the header {string.Join(",", Columns)}");
        CheckHeader(rows.Current, fileName);

        double? traceStartS = null;
        ChainBuilder? current = null;
        var finished = new Dictionary<string, (int First, int Last)>(StringComparer.Ordinal);
        while (rows.MoveNext())
        {
            // A row of another chain ends the current one, which is yielded before that row is checked, so
            // every chain the file completes before its first bad row reaches the caller.
            var cells = rows.Current.Cells;
            if (current is not null && (cells.Length <= Chain || current.Id != cells[Chain]))
            {
                var done = current.Build();
                finished[current.Id] = (current.FirstLine, current.LastLine);
                current = null;
                yield return done;
            }

            var row = ParseRow(rows.Current, fileName);
            traceStartS ??= row.ArrivalS;
            if (row.ArrivalS < traceStartS)
                throw new TraceFormatException(fileName, $"line {row.Line}", Columns[ArrivalS],
                    $"{Format(row.ArrivalS)} is before the trace's first row ({Format(traceStartS.Value)})");
            if (current is null)
            {
                if (finished.TryGetValue(row.ChainId, out var span))
                    throw new TraceFormatException(fileName, $"line {row.Line}", Columns[Chain],
                        $"rows of chain '{row.ChainId}' must be contiguous; it began at line {span.First} and ended at line {span.Last}");
                current = new ChainBuilder(fileName, row);
            }
            current.Add(row);
        }
        if (current is not null)
            yield return current.Build();
    }

    // ── header and rows ──────────────────────────────────────────────────────
    private static void CheckHeader(CsvRow header, string fileName)
    {
        var expected = string.Join(",", Columns);
        for (var i = 0; i < Columns.Length; i++)
        {
            if (i >= header.Cells.Length)
                throw new TraceFormatException(fileName, "line 1", Columns[i],
                    $"the header has only {header.Cells.Length} columns; it must be exactly {expected}");
            if (header.Cells[i] != Columns[i])
                throw new TraceFormatException(fileName, "line 1", Columns[i],
                    $"header column {i + 1} is '{header.Cells[i]}'; it must be '{Columns[i]}' (the header is exactly {expected})");
        }
        if (header.Cells.Length > Columns.Length)
            throw new TraceFormatException(fileName, "line 1", $"column {Columns.Length + 1}",
                $"unexpected extra header column '{header.Cells[Columns.Length]}'; the header is exactly {expected}");
    }

    private sealed record Row(int Line, string ChainId, string App, double ArrivalS, TraceTask Task);

    private static Row ParseRow(CsvRow csv, string fileName)
    {
        var cells = new Cells(csv, fileName);
        if (csv.Cells.Length < Columns.Length)
            throw cells.Error(csv.Cells.Length, $"the row has {csv.Cells.Length} cells; it must have {Columns.Length}");
        if (csv.Cells.Length > Columns.Length)
            throw new TraceFormatException(fileName, $"line {csv.Line}", $"column {Columns.Length + 1}",
                $"the row has {csv.Cells.Length} cells; it must have {Columns.Length} (a comma left unquoted?)");

        // Column by column, so a row with several problems reports its leftmost one.
        var arrivalS = cells.Number(ArrivalS) ?? throw cells.Error(ArrivalS, "is empty; every row needs its arrival time");
        var chainId = cells.Required(Chain);
        var taskId = cells.Required(Task);
        if (taskId.Contains(' '))
            throw cells.Error(Task, $"'{taskId}' contains a space; task ids may not, since 'after' separates ids with spaces");
        var type = cells.Required(Type);
        if (!TaskType.IsValidName(type))
            throw cells.Error(Type, $"'{type}' is not a task type name: at most 128 letters, digits, '.', '-' or '_'");

        var task = new TraceTask(
            taskId, new TaskType(type),
            cells.Ids(After),
            cells.Number(DurationS) ?? 0, cells.Number(Cpu) ?? 0, cells.Number(MemMb) ?? 0,
            cells.DataRefs(Inputs), cells.DataRefs(Outputs),
            Cells.IsEmpty(csv.Cells[Host]) ? null : csv.Cells[Host]);
        return new Row(csv.Line, chainId, csv.Cells[App], arrivalS, task);
    }

    private static string[] SplitAtSpaces(string cell) =>
        cell.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The cells of one row, read column by column, with errors that name the row's line and the column.</summary>
    private readonly struct Cells(CsvRow row, string fileName)
    {
        public static bool IsEmpty(string cell) => string.IsNullOrWhiteSpace(cell);

        public string Required(int column) =>
            IsEmpty(row.Cells[column]) ? throw Error(column, "is empty; every row needs one") : row.Cells[column];

        /// <summary>A finite decimal ≥ 0 in invariant culture, or null when the cell is empty.</summary>
        public double? Number(int column)
        {
            var cell = row.Cells[column];
            if (IsEmpty(cell))
                return null;
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw Error(column, $"'{cell}' is not a number (use a decimal point, e.g. 1.5)");
            if (!double.IsFinite(value))
                throw Error(column, $"'{cell}' is not a finite number");
            if (value < 0)
                throw Error(column, $"{cell} is negative; it must be ≥ 0");
            return value;
        }

        /// <summary>Space-separated task ids; one named twice counts once.</summary>
        public ImmutableArray<string> Ids(int column)
        {
            var cell = row.Cells[column];
            if (IsEmpty(cell))
                return [];
            var ids = SplitAtSpaces(cell);
            return ids.Length == 1 ? [ids[0]] : [.. ids.Distinct(StringComparer.Ordinal)];
        }

        /// <summary>Space-separated <c>key:bytes</c> items; the key may hold ':', so it ends at the last one.</summary>
        public ImmutableArray<DataRef> DataRefs(int column)
        {
            if (IsEmpty(row.Cells[column]))
                return [];
            var items = SplitAtSpaces(row.Cells[column]);
            var refs = ImmutableArray.CreateBuilder<DataRef>();
            foreach (var item in items)
            {
                var colon = item.LastIndexOf(':');
                if (colon <= 0)
                    throw Error(column, $"item '{item}' is not key:bytes");
                var bytes = item[(colon + 1)..];
                if (!long.TryParse(bytes, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    throw Error(column, $"item '{item}': '{bytes}' is not a whole number of bytes ≥ 0");
                refs.Add(new DataRef(item[..colon], size));
            }
            return refs.ToImmutable();
        }

        public TraceFormatException Error(int column, string problem) =>
            new(fileName, $"line {row.Line}", column < Columns.Length ? Columns[column] : $"column {column + 1}", problem);
    }

    // ── chains ───────────────────────────────────────────────────────────────
    /// <summary>Collects the rows of one chain and checks what needs the whole chain before it is yielded.</summary>
    private sealed class ChainBuilder(string fileName, Row first)
    {
        private readonly List<(TraceTask Task, int Line)> _tasks = [];
        private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);

        public string Id { get; } = first.ChainId;
        public int FirstLine { get; } = first.Line;
        public int LastLine { get; private set; } = first.Line;

        public void Add(Row row)
        {
            if (row.App != first.App)
                throw Fail(row.Line, Columns[App],
                    $"'{row.App}' differs from '{first.App}', which submitted chain '{Id}' at line {FirstLine}; a chain has one app");
            if (row.ArrivalS < first.ArrivalS)
                throw Fail(row.Line, Columns[ArrivalS],
                    $"{Format(row.ArrivalS)} is before chain '{Id}' arrived ({Format(first.ArrivalS)} at line {FirstLine})");
            if (_indexOf.TryGetValue(row.Task.Id, out var earlier))
                throw Fail(row.Line, Columns[Task],
                    $"duplicate task id '{row.Task.Id}' in chain '{Id}' (first at line {_tasks[earlier].Line}); ids must be unique within a chain");
            _indexOf[row.Task.Id] = _tasks.Count;
            _tasks.Add((row.Task, row.Line));
            LastLine = row.Line;
        }

        public TraceChain Build()
        {
            foreach (var (task, line) in _tasks)
                foreach (var dependency in task.After)
                    if (!_indexOf.ContainsKey(dependency))
                        throw Fail(line, Columns[After], $"task '{dependency}' is not in chain '{Id}'");
            if (FindCycle() is { } cycle)
            {
                var ids = cycle.Append(cycle[0]).Select(i => $"'{_tasks[i].Task.Id}'");
                throw Fail(_tasks[cycle[0]].Line, Columns[After], $"dependency cycle in chain '{Id}': {string.Join(" -> ", ids)}");
            }
            return new TraceChain(Id, first.App, first.ArrivalS, [.. _tasks.Select(t => t.Task)]);
        }

        /// <summary>
        /// Iterative depth-first search along <c>after</c> (no recursion, so a long chain cannot overflow the
        /// stack). Meeting a task that is still on the path closes a cycle: that part of the path, reversed
        /// into execution order and rotated to start at its earliest row. Null when there is none.
        /// </summary>
        private List<int>? FindCycle()
        {
            const byte OnPath = 1, Done = 2;
            var state = new byte[_tasks.Count];
            var path = new List<int>();
            var nextDependency = new List<int>();
            for (var root = 0; root < _tasks.Count; root++)
            {
                if (state[root] != 0) continue;
                path.Add(root); nextDependency.Add(0); state[root] = OnPath;
                while (path.Count > 0)
                {
                    var top = path[^1];
                    var after = _tasks[top].Task.After;
                    if (nextDependency[^1] == after.Length)
                    {
                        state[top] = Done;
                        path.RemoveAt(path.Count - 1); nextDependency.RemoveAt(nextDependency.Count - 1);
                        continue;
                    }
                    var dependency = _indexOf[after[nextDependency[^1]++]];
                    if (state[dependency] == OnPath)
                    {
                        var cycle = path.Skip(path.IndexOf(dependency)).Reverse().ToList();
                        var start = cycle.IndexOf(cycle.Min());
                        return [.. cycle.Skip(start), .. cycle.Take(start)];
                    }
                    if (state[dependency] == 0)
                    {
                        path.Add(dependency); nextDependency.Add(0); state[dependency] = OnPath;
                    }
                }
            }
            return null;
        }

        private TraceFormatException Fail(int line, string column, string problem) =>
            new(fileName, $"line {line}", column, problem);
    }
}
