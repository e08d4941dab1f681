using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Staging;

/// <summary>
/// Where task inputs come from when the host cache does not have them (a block store, an object store, a
/// file share). Register one in DI; handlers read through <see cref="TaskContext"/>, which goes through the
/// host's cache first. A fetch that throws fails the read that asked for it, never a staging attempt's caller.
/// </summary>
public interface IDataSource
{
    /// <returns>The data (opaque to the scheduler); its size is <see cref="DataRef.SizeBytes"/>.</returns>
    Task<object?> FetchAsync(DataRef data, CancellationToken cancellationToken);
}
