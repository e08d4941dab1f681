using Akka.Actor;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using Xunit;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Tests.Chains;

/// <summary>A node's answers to client inboxes: alone when few, together (at most 32 a message) when many wait.</summary>
public sealed class ReplyBatcherSpec : TestKit
{
    [Fact]
    public async Task A_reply_with_nothing_else_waiting_goes_alone_as_it_is()
    {
        var inbox = CreateTestProbe();
        var batcher = Sys.ActorOf(Props.Create(() => new ReplyBatcher()));
        batcher.Tell(new ReplyBatcher.Send(inbox.Ref, new ChainAcknowledged("chain-1", false)));
        (await inbox.ExpectMsgAsync<ChainAcknowledged>()).ChainId.ShouldBe("chain-1");
    }

    [Fact]
    public async Task Many_replies_arrive_each_once_in_order_per_chain_fewer_messages_than_replies_none_over_32()
    {
        var inbox = CreateTestProbe();
        var other = CreateTestProbe();
        var batcher = Sys.ActorOf(Props.Create(() => new ReplyBatcher()));
        const int chains = 200;
        for (var i = 0; i < chains; i++)
        {
            batcher.Tell(new ReplyBatcher.Send(inbox.Ref, new ChainAcknowledged($"chain-{i}", false)));
            batcher.Tell(new ReplyBatcher.Send(inbox.Ref, new ChainFinished($"chain-{i}", ChainPhase.Completed, [])));
        }
        batcher.Tell(new ReplyBatcher.Send(other.Ref, new ChainAcknowledged("elsewhere", false)));

        var heard = new List<IWithChainId>();
        var messages = 0;
        while (heard.Count < 2 * chains)
        {
            var message = await inbox.ReceiveOneAsync(TimeSpan.FromSeconds(5));
            messages++;
            if (message is ChainReplies together)
            {
                together.All().Count().ShouldBeLessThanOrEqualTo(FlushTimer.MaxBatch);
                heard.AddRange(together.All());
            }
            else heard.Add(message.ShouldBeAssignableTo<IWithChainId>()!);
        }
        await inbox.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        (await other.ExpectMsgAsync<ChainAcknowledged>()).ChainId.ShouldBe("elsewhere");

        heard.Count.ShouldBe(2 * chains);
        heard.GroupBy(r => r.ChainId).ShouldAllBe(g => g.Count() == 2 && g.First() is ChainAcknowledged && g.Last() is ChainFinished);
        messages.ShouldBeLessThan(2 * chains, "replies waiting together travel together");
    }
}
