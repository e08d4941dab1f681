namespace TaskAffinity.Core.Tasks;

/// <summary>
/// An amount of each resource the scheduler accounts for. Used both for what a task asks for and for what a
/// host offers. Units: CPU in cores, memory in MiB, I/O and network in MB/s, GPU in devices.
/// </summary>
public readonly record struct ResourceVector(double Cpu, double MemoryMb, double IoMbps, double NetworkMbps, double Gpu)
{
    public static readonly ResourceVector Zero = new(0, 0, 0, 0, 0);

    /// <summary>The dimensions by name, in a fixed order; names match the field names used in error messages.</summary>
    public IEnumerable<(string Name, double Value)> Dimensions()
    {
        yield return ("cpu", Cpu);
        yield return ("memoryMb", MemoryMb);
        yield return ("ioMbps", IoMbps);
        yield return ("networkMbps", NetworkMbps);
        yield return ("gpu", Gpu);
    }

    public bool FitsWithin(ResourceVector capacity) =>
        Cpu <= capacity.Cpu && MemoryMb <= capacity.MemoryMb && IoMbps <= capacity.IoMbps
        && NetworkMbps <= capacity.NetworkMbps && Gpu <= capacity.Gpu;

    /// <summary>The element-wise maximum: the smallest vector that covers both.</summary>
    public ResourceVector Max(ResourceVector other) => new(
        Math.Max(Cpu, other.Cpu), Math.Max(MemoryMb, other.MemoryMb), Math.Max(IoMbps, other.IoMbps),
        Math.Max(NetworkMbps, other.NetworkMbps), Math.Max(Gpu, other.Gpu));

    public static ResourceVector operator +(ResourceVector a, ResourceVector b) => new(
        a.Cpu + b.Cpu, a.MemoryMb + b.MemoryMb, a.IoMbps + b.IoMbps, a.NetworkMbps + b.NetworkMbps, a.Gpu + b.Gpu);

    public override string ToString() =>
        $"cpu={Cpu:0.##} mem={MemoryMb:0.#}MiB io={IoMbps:0.#}MB/s net={NetworkMbps:0.#}MB/s gpu={Gpu:0.##}";
}
