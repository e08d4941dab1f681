using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using static TaskAffinity.Cluster.Hosts.HostProtocol;

namespace TaskAffinity.Cluster.Hosts;

/// <summary>A host's capacity and lifecycle, registered by its node at start-up. Snapshots every few registrations.</summary>
internal sealed class HostEntity : ReceivePersistentActor
{
    private const int SnapshotEvery = 20;
    private readonly TimeProvider _clock;
    private HostState _state;

    public HostEntity(string hostId, TimeProvider clock)
    {
        _clock = clock;
        _state = HostState.Empty(hostId);
        PersistenceId = $"host-{hostId}";

        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is HostState s) _state = s; });
        Recover<IHostEvent>(e => _state = _state.Apply(e));

        Command<RegisterHost>(register =>
        {
            var replyTo = Sender;
            var events = _state.DecideRegister(register, _clock.GetUtcNow());
            if (events.Count == 0)
            {
                replyTo.Tell(new HostRegistrationAcknowledged(_state.HostId));
                return;
            }
            PersistAll(events, e =>
            {
                _state = _state.Apply(e);
                if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
                replyTo.Tell(new HostRegistrationAcknowledged(_state.HostId));
            });
        });
        Command<GetHostStatus>(_ =>
        {
            if (_state.IsRegistered)
                Sender.Tell(_state.ToStatus());
            else
            {
                Sender.Tell(new HostNotFound(_state.HostId, $"no host '{_state.HostId}' has registered"));
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            }
        });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(_ => { });
    }

    public override string PersistenceId { get; }
}
