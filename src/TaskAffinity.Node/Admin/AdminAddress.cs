using System.Globalization;
using System.Net;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Node.Admin;

/// <summary>Where the admin endpoint listens, parsed from taskaffinity.admin.address, and whether it needs a token.</summary>
internal sealed record AdminAddress(IPAddress Ip, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Ip);

    public static AdminAddress Parse(AdminSettings settings)
    {
        var raw = settings.Address.Trim();
        var colon = raw.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(raw[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw Invalid(raw);
        var host = raw[..colon].Trim('[', ']');
        var ip = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : throw Invalid(raw);
        var address = new AdminAddress(ip, port);
        if (!address.IsLoopback && string.IsNullOrWhiteSpace(settings.Token))
            throw new SettingsException("taskaffinity.admin.token", "", $"a secret token: the admin endpoint listens on {raw}, beyond loopback, so commands must carry it");
        return address;
    }

    private static SettingsException Invalid(string raw) =>
        new("taskaffinity.admin.address (--admin, TASKAFFINITY_ADMIN)", raw, "IP:PORT such as 127.0.0.1:9110 or 0.0.0.0:9110 (port 0 picks a free one), or off");
}
