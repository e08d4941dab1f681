using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TaskAffinity.Core;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Simulation.Traces;

/// <summary>
/// One imported WfFormat workflow run: its chain, when it was executed (the caller orders runs by it, since
/// <see cref="TraceChain.ArrivalS"/> is 0 here) and the node names listed in <c>workflow.execution.machines</c>.
/// </summary>
public sealed record WfRun(TraceChain Chain, DateTimeOffset? ExecutedAt, ImmutableArray<string> Machines);

/// <summary>
/// Imports a WfCommons WfFormat (1.5) JSON file, one workflow run, into one <see cref="TraceChain"/>
/// (mapping in shared/formats/TRACE.md). Every problem is a <see cref="TraceFormatException"/> naming the
/// file, the JSON path (e.g. <c>$.workflow.specification.tasks[3].parents[0]</c>) and the field.
/// </summary>
/// <remarks>
/// Rules where the format leaves a choice:
/// <list type="bullet">
/// <item>Task type = <c>name</c> without a trailing Nextflow tag <c>" (…)"</c> (<c>FASTQC (s1)</c> → <c>FASTQC</c>)
/// and then without a trailing Makeflow/Pegasus <c>_ID&lt;digits&gt;</c>. Nextflow names in WfInstances are the
/// fully qualified process (<c>NFCORE_RNASEQ.RNASEQ.ALIGN_STAR.STAR_ALIGN</c>) and are kept whole: the same tool
/// under two sub-workflows reads different data, so the scheduler should learn them apart. Characters a
/// <see cref="TaskType"/> does not allow become <c>_</c>; a name over 128 characters keeps its first 119 and
/// ends with <c>_</c> + 8 hex digits of its stable hash, so distinct long names stay distinct.</item>
/// <item>Data keys are <c>{chainId}/{fileId}</c>: two runs of the same workflow name their files alike
/// (<c>small.fasta.0</c>) though the contents differ, and a cache must not count one run's file as a hit for
/// the other's.</item>
/// <item><c>children</c> is ignored (it mirrors <c>parents</c>); duplicate parents are kept once.</item>
/// <item>Host = the execution task's <c>machines[0]</c>, else none (Nextflow instances record none per task).</item>
/// <item>Executed-at = <c>workflow.execution.executedAt</c>, else a top-level <c>executedAt</c> (older versions).</item>
/// </list>
/// </remarks>
public static partial class WfFormatReader
{
    private const int MaxTypeLength = 128;
    private const double BytesPerMb = 1024 * 1024;

    public static WfRun Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <param name="fileName">Names the file in errors; the chain id is its name without extension.</param>
    public static WfRun Read(Stream json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        using var document = Parse(json, fileName);
        return new Import(fileName).Run(document.RootElement);
    }

    /// <summary>The task type for a WfFormat task name (rules in the class remarks).</summary>
    internal static TaskType TaskTypeFromName(string name)
    {
        var type = StripSuffix(name.Trim(), NextflowTag());
        type = StripSuffix(type, MakeflowId());
        if (TaskType.IsValidName(type))
            return new TaskType(type);

        var sanitized = string.Concat(type.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        if (sanitized.Length > MaxTypeLength)
            sanitized = $"{sanitized[..(MaxTypeLength - 9)]}_{StableHash.Of(type):x8}";
        return new TaskType(sanitized);
    }

    // Only strip when something is left: a name that is all suffix is still a name.
    private static string StripSuffix(string name, Regex suffix)
    {
        var stripped = suffix.Replace(name, "");
        return stripped.Length > 0 ? stripped : name;
    }

    [GeneratedRegex(@"\s*\([^()]*\)$", RegexOptions.CultureInvariant)]
    private static partial Regex NextflowTag();

    [GeneratedRegex(@"_ID[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex MakeflowId();

    private static JsonDocument Parse(Stream json, string fileName)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // The reader's message ends with "Path: … | LineNumber: … | BytePositionInLine: …"; we say where ourselves.
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is var p and >= 0 ? p
                : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            var problem = cut >= 0 ? message[..cut] : message;
            throw new TraceFormatException(fileName,
                $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}", "JSON", $"not valid JSON: {problem}");
        }
    }

    /// <summary>A specification task as read, before it is joined with its execution entry.</summary>
    private sealed class SpecTask(
        int index, string id, string name, IReadOnlyList<(string Value, string Path)> parentRefs,
        ImmutableArray<DataRef> inputs, ImmutableArray<DataRef> outputs)
    {
        public int Index => index;
        public string Id => id;
        public string Name => name;
        /// <summary>Parent ids as written, each with its JSON path, for errors.</summary>
        public IReadOnlyList<(string Value, string Path)> ParentRefs => parentRefs;
        /// <summary>The distinct parent ids, in order: the task's <see cref="TraceTask.After"/>.</summary>
        public ImmutableArray<string> Parents { get; } = [.. parentRefs.Select(p => p.Value).Distinct(StringComparer.Ordinal)];
        public ImmutableArray<DataRef> Inputs => inputs;
        public ImmutableArray<DataRef> Outputs => outputs;
        /// <summary>Indices of <see cref="Parents"/>, set once every task id is known.</summary>
        public int[] ParentIndices { get; set; } = [];
        public string Path => $"{TasksPath}[{Index}]";
    }

    private sealed record ExecTask(double DurationS, double Cpu, double MemoryMb, string? Host);

    private const string SpecPath = "$.workflow.specification";
    private const string TasksPath = SpecPath + ".tasks";
    private const string ExecPath = "$.workflow.execution";

    /// <summary>One file's import: holds the file name and chain id every error and data key needs.</summary>
    private sealed class Import(string fileName)
    {
        private readonly string chainId = Path.GetFileNameWithoutExtension(fileName) is { Length: > 0 } id ? id : fileName;

        public WfRun Run(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw Fail("$", "workflow", $"expected the document to be an object, found {Describe(root.ValueKind)}");
            var workflow = Required(root, "$", "workflow", JsonValueKind.Object);
            var specification = Required(workflow, "$.workflow", "specification", JsonValueKind.Object);
            var execution = Required(workflow, "$.workflow", "execution", JsonValueKind.Object);

            var files = ReadFiles(specification);
            var tasks = ReadSpecTasks(Required(specification, SpecPath, "tasks", JsonValueKind.Array), files);
            ResolveParents(tasks);
            var executed = ReadExecTasks(Required(execution, ExecPath, "tasks", JsonValueKind.Array), tasks);
            RejectCycles(tasks);

            var traceTasks = tasks.Values.OrderBy(t => t.Index).Select(t =>
            {
                var run = executed[t.Index] ?? throw Fail(t.Path, "id",
                    $"task '{t.Id}' has no entry in {ExecPath}.tasks, so its runtime is unknown");
                return new TraceTask(t.Id, TaskTypeFromName(t.Name), t.Parents, run.DurationS, run.Cpu, run.MemoryMb,
                    t.Inputs, t.Outputs, run.Host);
            }).ToImmutableArray();

            var app = Optional(root, "$", "name", JsonValueKind.String)?.GetString() is { Length: > 0 } name ? name
                : Path.GetFileName(Path.GetDirectoryName(fileName)) is { Length: > 0 } folder ? folder
                : chainId;
            var chain = new TraceChain(chainId, app, 0, traceTasks);
            return new WfRun(chain, ExecutedAt(root, execution), Machines(execution));
        }

        // ---- specification ------------------------------------------------------------------------------

        private Dictionary<string, long> ReadFiles(JsonElement specification)
        {
            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            if (Optional(specification, SpecPath, "files", JsonValueKind.Array) is not { } files)
                return sizes;
            var index = 0;
            foreach (var file in files.EnumerateArray())
            {
                var path = $"{SpecPath}.files[{index++}]";
                var id = RequiredId(file, path);
                var size = Required(file, path, "sizeInBytes", JsonValueKind.Number);
                if (!size.TryGetInt64(out var bytes) || bytes < 0)
                    throw Fail($"{path}.sizeInBytes", "sizeInBytes", $"expected a whole number >= 0, found {size.GetRawText()}");
                if (!sizes.TryAdd(id, bytes))
                    throw Fail($"{path}.id", "id", $"file '{id}' is listed twice");
            }
            return sizes;
        }

        private Dictionary<string, SpecTask> ReadSpecTasks(JsonElement array, Dictionary<string, long> files)
        {
            var tasks = new Dictionary<string, SpecTask>(StringComparer.Ordinal);
            var index = 0;
            foreach (var task in array.EnumerateArray())
            {
                var path = $"{TasksPath}[{index}]";
                var id = RequiredId(task, path);
                var name = Required(task, path, "name", JsonValueKind.String).GetString()!;
                if (string.IsNullOrWhiteSpace(name))
                    throw Fail($"{path}.name", "name", "must not be empty");
                var spec = new SpecTask(index, id, name, Strings(task, path, "parents"),
                    DataRefs(task, path, "inputFiles", files), DataRefs(task, path, "outputFiles", files));
                if (!tasks.TryAdd(id, spec))
                    throw Fail($"{path}.id", "id", $"task id '{id}' is already used by {tasks[id].Path}");
                index++;
            }
            return tasks;
        }

        private ImmutableArray<DataRef> DataRefs(JsonElement task, string path, string field, Dictionary<string, long> files) =>
            [.. Strings(task, path, field).Select(file => files.TryGetValue(file.Value, out var size)
                ? new DataRef($"{chainId}/{file.Value}", size)
                : throw Fail(file.Path, field, $"file '{file.Value}' is not in {SpecPath}.files"))];

        private void ResolveParents(Dictionary<string, SpecTask> tasks)
        {
            foreach (var task in tasks.Values)
            {
                foreach (var (parent, path) in task.ParentRefs)
                {
                    if (!tasks.ContainsKey(parent))
                        throw Fail(path, "parents", $"task '{parent}' does not exist in this workflow");
                }
                task.ParentIndices = [.. task.Parents.Select(parent => tasks[parent].Index)];
            }
        }

        // Depth-first along parent edges; meeting a task still on the path closes a cycle, which is named in
        // waiting order (each task waits for the next). Iterative so a long chain cannot overflow the stack.
        private void RejectCycles(Dictionary<string, SpecTask> tasks)
        {
            var byIndex = tasks.Values.OrderBy(t => t.Index).ToArray();
            var state = new byte[byIndex.Length]; // 0 unseen, 1 on the current path, 2 done
            var cursor = new int[byIndex.Length];
            var path = new List<int>();
            for (var start = 0; start < byIndex.Length; start++)
            {
                if (state[start] != 0)
                    continue;
                state[start] = 1;
                path.Add(start);
                while (path.Count > 0)
                {
                    var node = path[^1];
                    var parents = byIndex[node].ParentIndices;
                    if (cursor[node] == parents.Length)
                    {
                        state[node] = 2;
                        path.RemoveAt(path.Count - 1);
                        continue;
                    }
                    var parent = parents[cursor[node]++];
                    if (state[parent] == 1)
                    {
                        var cycle = path.Skip(path.IndexOf(parent)).Append(parent).Select(i => byIndex[i].Id);
                        throw Fail($"{byIndex[parent].Path}.parents", "parents",
                            $"tasks wait for each other in a cycle: {string.Join(" -> ", cycle)}");
                    }
                    if (state[parent] == 0)
                    {
                        state[parent] = 1;
                        path.Add(parent);
                    }
                }
            }
        }

        // ---- execution ----------------------------------------------------------------------------------

        /// <returns>Indexed like the specification tasks; null where a task has no execution entry.</returns>
        private ExecTask?[] ReadExecTasks(JsonElement array, Dictionary<string, SpecTask> tasks)
        {
            var executed = new ExecTask?[tasks.Count];
            var seenAt = new string?[tasks.Count];
            var index = 0;
            foreach (var entry in array.EnumerateArray())
            {
                var path = $"{ExecPath}.tasks[{index++}]";
                var id = RequiredId(entry, path);
                if (!tasks.TryGetValue(id, out var task))
                    throw Fail($"{path}.id", "id", $"task '{id}' is not in {TasksPath}");
                if (seenAt[task.Index] is { } earlier)
                    throw Fail($"{path}.id", "id", $"task '{id}' already has an execution entry at {earlier}");
                seenAt[task.Index] = path;

                var duration = NonNegative(Required(entry, path, "runtimeInSeconds", JsonValueKind.Number), path, "runtimeInSeconds");
                var avgCpu = OptionalNonNegative(entry, path, "avgCPU");
                // cpu = avgCPU / 100 (percent of one core), else the cores it was given, else one core.
                var cpu = avgCpu is { } percent ? percent / 100 : OptionalNonNegative(entry, path, "coreCount") ?? 1;
                var memoryMb = (OptionalNonNegative(entry, path, "memoryInBytes") ?? 0) / BytesPerMb;
                var host = Strings(entry, path, "machines").Select(m => m.Value).FirstOrDefault(m => m.Length > 0);
                executed[task.Index] = new ExecTask(duration, cpu, memoryMb, host);
            }
            return executed;
        }

        private DateTimeOffset? ExecutedAt(JsonElement root, JsonElement execution)
        {
            var (at, path) = Optional(execution, ExecPath, "executedAt", JsonValueKind.String) is { } inExecution
                ? (inExecution, $"{ExecPath}.executedAt")
                : (Optional(root, "$", "executedAt", JsonValueKind.String), "$.executedAt");
            if (at is not { } text)
                return null;
            return DateTimeOffset.TryParse(text.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                ? when
                : throw Fail(path, "executedAt", $"expected an ISO 8601 date and time, found '{text.GetString()}'");
        }

        private ImmutableArray<string> Machines(JsonElement execution)
        {
            if (Optional(execution, ExecPath, "machines", JsonValueKind.Array) is not { } machines)
                return [];
            return [.. machines.EnumerateArray().Select((machine, i) =>
            {
                var path = $"{ExecPath}.machines[{i}]";
                if (machine.ValueKind != JsonValueKind.Object)
                    throw Fail(path, "machines", $"expected an object, found {Describe(machine.ValueKind)}");
                return Required(machine, path, "nodeName", JsonValueKind.String).GetString()!;
            })];
        }

        // ---- JSON access, each failure naming path and field ------------------------------------------------

        private string RequiredId(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
                throw Fail(path, "id", $"expected an object, found {Describe(element.ValueKind)}");
            var id = Required(element, path, "id", JsonValueKind.String).GetString()!;
            return id.Length > 0 ? id : throw Fail($"{path}.id", "id", "must not be empty");
        }

        private JsonElement Required(JsonElement owner, string ownerPath, string field, JsonValueKind kind) =>
            Optional(owner, ownerPath, field, kind) ?? throw Fail($"{ownerPath}.{field}", field, "missing");

        /// <summary>The member, or null when it is absent or JSON null; a member of another kind is an error.</summary>
        private JsonElement? Optional(JsonElement owner, string ownerPath, string field, JsonValueKind kind)
        {
            if (!owner.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                return null;
            return value.ValueKind == kind
                ? value
                : throw Fail($"{ownerPath}.{field}", field, $"expected {Describe(kind)}, found {Describe(value.ValueKind)}");
        }

        private List<(string Value, string Path)> Strings(JsonElement owner, string ownerPath, string field)
        {
            if (Optional(owner, ownerPath, field, JsonValueKind.Array) is not { } array)
                return [];
            return array.EnumerateArray().Select((item, i) =>
            {
                var path = $"{ownerPath}.{field}[{i}]";
                return item.ValueKind == JsonValueKind.String
                    ? (item.GetString()!, path)
                    : throw Fail(path, field, $"expected a string, found {Describe(item.ValueKind)}");
            }).ToList();
        }

        private double? OptionalNonNegative(JsonElement owner, string ownerPath, string field) =>
            Optional(owner, ownerPath, field, JsonValueKind.Number) is { } number ? NonNegative(number, ownerPath, field) : null;

        private double NonNegative(JsonElement number, string ownerPath, string field)
        {
            if (!number.TryGetDouble(out var value) || !double.IsFinite(value))
                throw Fail($"{ownerPath}.{field}", field, $"expected a finite number, found {number.GetRawText()}");
            return value >= 0 ? value : throw Fail($"{ownerPath}.{field}", field, $"must be >= 0, found {number.GetRawText()}");
        }

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };

        private TraceFormatException Fail(string location, string field, string problem) =>
            new(fileName, location, field, problem);
    }
}
