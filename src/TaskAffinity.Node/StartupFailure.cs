using System.Net.Sockets;

namespace TaskAffinity.Node;

/// <summary>Turns the exceptions a node commonly dies of at start-up into one line an operator can act on.</summary>
internal static class StartupFailure
{
    public static string? Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is IOException && inner.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal))
                return $"the admin endpoint could not listen: {inner.Message} (choose another address with --admin or TASKAFFINITY_ADMIN, or --admin off)";
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
                return "the remoting port is already in use by another process (choose another with --port or CLUSTER_PORT)";
        return null; // anything else keeps its full stack trace: it is a bug to report
    }
}
