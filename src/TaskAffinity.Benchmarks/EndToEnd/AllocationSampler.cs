using System.Diagnostics.Tracing;

namespace TaskAffinity.Benchmarks.EndToEnd;

/// <summary>
/// <c>--alloc-profile</c>: what the process allocates, by type, from the runtime's allocation ticks (one about
/// every 100 KiB allocated, naming the type that crossed the mark), so a type's share of the ticks is about its
/// share of the bytes. Tells which messages, buffers or strings make the garbage the collector then costs.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTick = 10;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _sampling;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: allocation ticks are verbose
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_sampling || e.EventId != AllocationTick || e.Payload is null || e.PayloadNames is null) return;
        var type = e.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 0;
        lock (_bytesByType)
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }

    public void Start() => _sampling = true;

    public void Stop() => _sampling = false;

    public void Print(int top)
    {
        lock (_bytesByType)
        {
            var total = Math.Max(1, _bytesByType.Values.Sum());
            Console.WriteLine($"allocations by type (sampled, {total / 1024 / 1024} MiB):");
            foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(top))
                Console.WriteLine($"  {100.0 * bytes / total,5:0.0}%  {type}");
        }
    }
}
