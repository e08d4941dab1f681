namespace TaskAffinity.Simulation.Engine;

/// <summary>One window of simulated time: the input reads that started in it and how many the host cache served.</summary>
public sealed record HitRateWindow(double FromS, double ToS, long Reads, long Hits)
{
    public double Rate => Reads == 0 ? 0 : (double)Hits / Reads;
}

/// <summary>
/// Input reads and cache hits counted per window of simulated time, for the hit-rate-over-time plot.
/// </summary>
/// <remarks>
/// The length of a run is not known until it ends, so the windows adapt: a fixed number of them, starting
/// <see cref="FirstWidthS"/> wide; a read past the last window doubles the width by merging neighbours. Memory
/// stays constant for a trace of any length, and at the end between half and all of the windows are in use.
/// </remarks>
public sealed class HitRateWindows
{
    public const int Count = 128;
    public const double FirstWidthS = 0.001;

    private readonly long[] _reads = new long[Count];
    private readonly long[] _hits = new long[Count];
    private double _width = FirstWidthS;

    /// <param name="atS">Seconds from the start of the run (≥ 0).</param>
    public void Add(double atS, int reads, int hits)
    {
        if (reads == 0) return;
        atS = Math.Max(atS, 0);
        while (atS >= Count * _width) Widen();
        var i = Math.Min((int)(atS / _width), Count - 1);
        _reads[i] += reads;
        _hits[i] += hits;
    }

    /// <summary>The windows that saw a read, in time order.</summary>
    public IReadOnlyList<HitRateWindow> Windows() =>
        [.. Enumerable.Range(0, Count).Where(i => _reads[i] > 0).Select(i => new HitRateWindow(i * _width, (i + 1) * _width, _reads[i], _hits[i]))];

    // window i of the doubled width = windows 2i and 2i + 1 of the old one
    private void Widen()
    {
        for (var i = 0; i < Count / 2; i++)
        {
            _reads[i] = _reads[2 * i] + _reads[2 * i + 1];
            _hits[i] = _hits[2 * i] + _hits[2 * i + 1];
        }
        Array.Clear(_reads, Count / 2, Count / 2);
        Array.Clear(_hits, Count / 2, Count / 2);
        _width *= 2;
    }
}
