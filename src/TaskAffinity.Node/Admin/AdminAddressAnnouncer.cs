using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskAffinity.Node.Admin;

/// <summary>Logs where the admin endpoint listens once it does (with port 0, only the server knows the port).</summary>
internal sealed class AdminAddressAnnouncer(IServer server, IHostApplicationLifetime lifetime, ILogger<AdminAddressAnnouncer> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
                log.LogInformation("Admin endpoint on {Address}: tactl {HostPort}, {Address}/metrics, {Address}/health/ready, web page {Address}/",
                    address, address.Replace("http://", ""), address, address, address);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
