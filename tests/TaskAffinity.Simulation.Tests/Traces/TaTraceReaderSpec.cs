using System.Text;
using Shouldly;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Traces;

public class TaTraceReaderSpec
{
    private const string File = "sample.tatrace.csv";
    private const string Header = "arrival_s,app,chain,task,type,after,duration_s,cpu,mem_mb,inputs,outputs,host\n";

    private static List<TraceChain> ReadText(string text) =>
        TaTraceReader.Read(new StringReader(text), File).ToList();

    private static TraceFormatException ReadError(string text) =>
        Should.Throw<TraceFormatException>(() => ReadText(text));

    private static void ShouldName(TraceFormatException error, string file, int line, string column)
    {
        error.File.ShouldBe(file);
        error.Location.ShouldBe($"line {line}");
        error.Field.ShouldBe(column);
        error.Message.ShouldStartWith($"{file}: line {line}: {column}: ");
    }

    // ── good files ───────────────────────────────────────────────────────────
    [Fact]
    public void A_good_file_with_two_chains_reads_both_in_file_order()
    {
        var chains = ReadText(Header +
            "0.5,alice,c1,load,Load,,1.25,2,512,raw/a:100,staged/a:80,host-1\n" +
            "0.5,alice,c1,sum,Reduce,load fetch,3,1,256.5,staged/a:80 extra:7,out:10,host-2\n" +
            "0.5,alice,c1,fetch,Load,,0.5,1,64,,staged/b:5,\n" +
            "2,bob,c2,only,Snapshot.Create,,4e-1,0.5,1024,,,\n");

        chains.Select(c => c.ChainId).ShouldBe(["c1", "c2"]);
        var (c1, c2) = (chains[0], chains[1]);
        (c1.App, c1.ArrivalS).ShouldBe(("alice", 0.5));
        c1.Tasks.Select(t => t.Id).ShouldBe(["load", "sum", "fetch"]);
        c1.Tasks[0].ShouldBeEquivalentTo(new TraceTask("load", new TaskType("Load"), [], 1.25, 2, 512,
            [new DataRef("raw/a", 100)], [new DataRef("staged/a", 80)], "host-1"));
        var sum = c1.Tasks[1];
        sum.After.ShouldBe(["load", "fetch"]); // a later row of the same chain may be named
        sum.Type.ShouldBe(new TaskType("Reduce"));
        (sum.DurationS, sum.Cpu, sum.MemoryMb).ShouldBe((3.0, 1.0, 256.5));
        sum.Inputs.ShouldBe([new DataRef("staged/a", 80), new DataRef("extra", 7)]);
        sum.Outputs.ShouldBe([new DataRef("out", 10)]);
        sum.Host.ShouldBe("host-2");
        c1.Tasks[2].Host.ShouldBeNull();
        (c2.App, c2.ArrivalS, c2.Tasks.Single().Id, c2.Tasks[0].DurationS).ShouldBe(("bob", 2.0, "only", 0.4));
    }

    [Fact]
    public void Empty_cells_mean_not_given()
    {
        var task = ReadText(Header + "3,,c,t,Build,,,,,,,\n").Single().Tasks.Single();

        (task.DurationS, task.Cpu, task.MemoryMb).ShouldBe((0.0, 0.0, 0.0));
        task.After.ShouldBeEmpty();
        task.Inputs.ShouldBeEmpty();
        task.Outputs.ShouldBeEmpty();
        task.Host.ShouldBeNull();
        ReadText(Header + "3,,c,t,Build,,,,,,,\n").Single().App.ShouldBe("");
    }

    [Fact]
    public void A_file_with_only_a_header_is_an_empty_trace() =>
        ReadText(Header).ShouldBeEmpty();

    [Fact]
    public void Quoted_cells_may_hold_commas_line_breaks_and_doubled_quotes()
    {
        var chain = ReadText(Header +
            "0,\"team \"\"blue\"\",\nnight shift\",\"c,1\",t1,Build,,1,1,1,\"s3://b/x,y.csv:42 \"\"q\"\":1\",,\"\"\n" +
            "0,\"team \"\"blue\"\",\nnight shift\",\"c,1\",t2,Build,t1,1,1,1,\"multi\nline:3\",,\n").Single();

        chain.App.ShouldBe("team \"blue\",\nnight shift");
        chain.ChainId.ShouldBe("c,1");
        chain.Tasks[0].Inputs.ShouldBe([new DataRef("s3://b/x,y.csv", 42), new DataRef("\"q\"", 1)]);
        chain.Tasks[0].Host.ShouldBeNull(); // "" is an empty cell
        chain.Tasks[1].Inputs.ShouldBe([new DataRef("multi\nline", 3)]);
    }

    [Fact]
    public void Lines_are_counted_physically_across_line_breaks_inside_quotes()
    {
        var error = ReadError(Header +
            "0,\"a\nb\nc\",c1,t1,Build,,1,1,1,,,\n" + // lines 2-4
            "0,\"a\nb\nc\",c1,t2,Build,,x,1,1,,,\n"); // starts on line 5

        ShouldName(error, File, 5, "duration_s");
    }

    [Fact]
    public void Keys_with_colons_split_at_the_last_colon()
    {
        var task = ReadText(Header + "0,a,c,t,Build,,1,1,1,s3://bucket/a:b:100 C:\\data\\x:0,http://h:8080/y:5,\n")
            .Single().Tasks.Single();

        task.Inputs.ShouldBe([new DataRef("s3://bucket/a:b", 100), new DataRef("C:\\data\\x", 0)]);
        task.Outputs.ShouldBe([new DataRef("http://h:8080/y", 5)]);
    }

    [Fact]
    public void CRLF_line_endings_read_like_LF()
    {
        var lf = Header + "0,a,c1,t1,Build,,1,1,1,k:1,,h\n0,a,c1,t2,Build,t1,1,1,1,,,\n1,a,c2,t1,Build,,1,1,1,,,h\n";
        var crlf = lf.Replace("\n", "\r\n");

        var fromCrlf = ReadText(crlf);
        fromCrlf.Count.ShouldBe(2);
        fromCrlf[0].Tasks[0].Host.ShouldBe("h"); // no '\r' left on the last cell
        fromCrlf[1].Tasks[0].Host.ShouldBe("h");
        fromCrlf.ShouldBeEquivalentTo(ReadText(lf));
    }

    [Fact]
    public void CRLF_files_report_the_same_line_numbers() =>
        ShouldName(ReadError((Header + "0,a,c1,t1,Build,,1,1,1,,,\"x\ny\"\n0,a,c1,t1,Build,,1,1,1,,,\n").Replace("\n", "\r\n")),
            File, 4, "task");

    [Fact]
    public void Blank_lines_and_a_byte_order_mark_are_skipped() =>
        ReadText("\uFEFF" + Header + "\n0,a,c1,t1,Build,,1,1,1,,,\n\r\n1,a,c2,t1,Build,,1,1,1,,,").Count.ShouldBe(2);

    [Fact]
    public void Reading_by_path_reads_a_utf8_file_and_names_the_path_in_errors()
    {
        var dir = Directory.CreateTempSubdirectory("tatrace-");
        try
        {
            var good = Path.Combine(dir.FullName, "good.tatrace.csv");
            System.IO.File.WriteAllText(good, Header + "0,café ☕,c1,t1,Build,,1,1,1,données/é:3,,\n1,bob,c2,t1,Build,,1,1,1,,,\n",
                new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            var chains = TaTraceReader.Read(good).ToList();
            chains.Select(c => c.App).ShouldBe(["café ☕", "bob"]);
            chains[0].Tasks[0].Inputs.ShouldBe([new DataRef("données/é", 3)]);

            var bad = Path.Combine(dir.FullName, "bad.tatrace.csv");
            System.IO.File.WriteAllText(bad, Header + "0,a,c1,t1,Build,,1,1,1,,,\n0,a,c1,t1,Build,,1,1,1,,,\n");
            ShouldName(Should.Throw<TraceFormatException>(() => TaTraceReader.Read(bad).ToList()), bad, 3, "task");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Invalid_utf8_is_an_error_not_replacement_characters()
    {
        var dir = Directory.CreateTempSubdirectory("tatrace-");
        try
        {
            var path = Path.Combine(dir.FullName, "latin1.tatrace.csv");
            System.IO.File.WriteAllBytes(path,
                [.. Encoding.ASCII.GetBytes(Header + "0,caf"), 0xE9, .. Encoding.ASCII.GetBytes(",c1,t1,Build,,1,1,1,,,\n")]);

            var error = Should.Throw<TraceFormatException>(() => TaTraceReader.Read(path).ToList());
            error.Field.ShouldBe("encoding");
            error.Message.ShouldContain(path);
            error.Message.ShouldContain("UTF-8");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // ── errors: each names the file, the line the row starts on and the column ──
    [Theory]
    [InlineData("", "header")]
    [InlineData("arrival_s,app,chain,task,kind,after,duration_s,cpu,mem_mb,inputs,outputs,host\n", "type")]
    [InlineData("Arrival_s,app,chain,task,type,after,duration_s,cpu,mem_mb,inputs,outputs,host\n", "arrival_s")]
    [InlineData("arrival_s,app,chain,task,type,after,duration_s,cpu,mem_mb,inputs,host,outputs\n", "outputs")]
    [InlineData("arrival_s,app,chain\n", "task")]
    [InlineData("arrival_s,app,chain,task,type,after,duration_s,cpu,mem_mb,inputs,outputs,host,extra\n", "column 13")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,,,\n", "arrival_s")] // no header: the first row is taken for one
    public void A_missing_or_different_header_is_rejected_naming_line_1_and_the_column(string text, string column) =>
        ShouldName(ReadError(text), File, 1, column);

    [Theory]
    [InlineData("abc,a,c1,t1,Build,,1,1,1,,,\n", "arrival_s")]
    [InlineData(",a,c1,t1,Build,,1,1,1,,,\n", "arrival_s")]
    [InlineData("-0.1,a,c1,t1,Build,,1,1,1,,,\n", "arrival_s")]
    [InlineData("0,a,c1,t1,Build,,\"1,5\",1,1,,,\n", "duration_s")]
    [InlineData("0,a,c1,t1,Build,,-1,1,1,,,\n", "duration_s")]
    [InlineData("0,a,c1,t1,Build,,1,NaN,1,,,\n", "cpu")]
    [InlineData("0,a,c1,t1,Build,,1,1,Infinity,,,\n", "mem_mb")]
    [InlineData("0,a,c1,t1,Build,,1,1,1e999,,,\n", "mem_mb")]
    [InlineData("0,a,,t1,Build,,1,1,1,,,\n", "chain")]
    [InlineData("0,a,c1, ,Build,,1,1,1,,,\n", "task")]
    [InlineData("0,a,c1,t 1,Build,,1,1,1,,,\n", "task")]
    [InlineData("0,a,c1,t1,,,1,1,1,,,\n", "type")]
    [InlineData("0,a,c1,t1,Build!,,1,1,1,,,\n", "type")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,nocolon,,\n", "inputs")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,:5,,\n", "inputs")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,k:,,\n", "inputs")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,k:-1,,\n", "inputs")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,,k:1.5,\n", "outputs")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,,k:99999999999999999999,\n", "outputs")]
    [InlineData("0,a,c1,t1,Build\n", "after")]
    [InlineData("0,a,c1,t1,Build,,1,1,1,,,h,x\n", "column 13")]
    [InlineData("0,\"a,c1,t1,Build,,1,1,1,,,\n", "app")]
    [InlineData("0,a\"b,c1,t1,Build,,1,1,1,,,\n", "app")]
    [InlineData("0,\"a\"b,c1,t1,Build,,1,1,1,,,\n", "app")]
    public void A_bad_cell_is_rejected_naming_its_line_and_column(string row, string column) =>
        ShouldName(ReadError(Header + "0,a,c0,t1,Build,,1,1,1,,,\n" + row), File, 3, column);

    [Fact]
    public void A_duplicate_task_id_in_a_chain_names_the_duplicate_row()
    {
        var error = ReadError(Header + "0,a,c1,t1,Build,,1,1,1,,,\n0,a,c1,t2,Build,,1,1,1,,,\n0,a,c1,t1,Build,,1,1,1,,,\n");

        ShouldName(error, File, 4, "task");
        error.Message.ShouldContain("'t1'");
        error.Message.ShouldContain("line 2");
    }

    [Fact]
    public void The_same_task_id_in_two_chains_is_fine() =>
        ReadText(Header + "0,a,c1,t1,Build,,1,1,1,,,\n0,a,c2,t1,Build,,1,1,1,,,\n").Count.ShouldBe(2);

    [Fact]
    public void An_after_id_missing_from_the_chain_names_the_row_and_after()
    {
        // t9 exists, but in another chain.
        var error = ReadError(Header + "0,a,c1,t9,Build,,1,1,1,,,\n0,a,c2,t1,Build,,1,1,1,,,\n0,a,c2,t2,Build,t1 t9,1,1,1,,,\n");

        ShouldName(error, File, 4, "after");
        error.Message.ShouldContain("'t9'");
    }

    [Fact]
    public void Chain_with_a_cycle_is_rejected_with_the_cycle_named()
    {
        var error = ReadError(Header +
            "0,a,c1,root,Build,,1,1,1,,,\n" +
            "0,a,c1,x,Build,root z,1,1,1,,,\n" +
            "0,a,c1,y,Build,x,1,1,1,,,\n" +
            "0,a,c1,z,Build,y,1,1,1,,,\n");

        ShouldName(error, File, 3, "after");
        error.Message.ShouldContain("'x' -> 'y' -> 'z' -> 'x'"); // in execution order, from its first row
    }

    [Fact]
    public void A_task_after_itself_is_a_cycle()
    {
        var error = ReadError(Header + "0,a,c1,t1,Build,,1,1,1,,,\n0,a,c1,t2,Build,t1 t2,1,1,1,,,\n");

        ShouldName(error, File, 3, "after");
        error.Message.ShouldContain("'t2' -> 't2'");
    }

    [Fact]
    public void A_chain_whose_rows_are_not_contiguous_is_rejected()
    {
        var error = ReadError(Header +
            "0,a,c1,t1,Build,,1,1,1,,,\n0,a,c1,t2,Build,,1,1,1,,,\n0,a,c2,t1,Build,,1,1,1,,,\n0,a,c1,t3,Build,,1,1,1,,,\n");

        ShouldName(error, File, 5, "chain");
        error.Message.ShouldContain("rows of chain 'c1' must be contiguous; it began at line 2 and ended at line 3");
    }

    [Fact]
    public void A_chain_has_one_app()
    {
        var error = ReadError(Header + "0,alice,c1,t1,Build,,1,1,1,,,\n0,bob,c1,t2,Build,,1,1,1,,,\n");

        ShouldName(error, File, 3, "app");
        error.Message.ShouldContain("'alice'");
    }

    [Fact]
    public void A_row_may_not_arrive_before_the_first_row_of_the_trace() =>
        ShouldName(ReadError(Header + "5,a,c1,t1,Build,,1,1,1,,,\n4.5,a,c2,t1,Build,,1,1,1,,,\n"), File, 3, "arrival_s");

    [Fact]
    public void A_row_may_not_arrive_before_the_first_row_of_its_chain()
    {
        var chains = ReadText(Header + "0,a,c1,t1,Build,,1,1,1,,,\n7,a,c2,t1,Build,,1,1,1,,,\n9,a,c2,t2,Build,,1,1,1,,,\n3,a,c3,t1,Build,,1,1,1,,,\n");
        chains.Select(c => c.ArrivalS).ShouldBe([0, 7, 3]); // chains need not be sorted by arrival; c2 arrives with its first row

        ShouldName(ReadError(Header + "0,a,c1,t1,Build,,1,1,1,,,\n5,a,c2,t1,Build,,1,1,1,,,\n4,a,c2,t2,Build,,1,1,1,,,\n"),
            File, 4, "arrival_s");
    }

    // ── streaming ────────────────────────────────────────────────────────────
    [Fact]
    public void Chains_before_a_bad_row_are_yielded_before_the_error()
    {
        using var chains = TaTraceReader.Read(new StringReader(Header +
            "0,a,c1,t1,Build,,1,1,1,,,\n0,a,c2,t1,Build,,bad,1,1,,,\n"), File).GetEnumerator();

        chains.MoveNext().ShouldBeTrue();
        chains.Current.ChainId.ShouldBe("c1");
        ShouldName(Should.Throw<TraceFormatException>(() => chains.MoveNext()), File, 3, "duration_s");
    }

    [Fact]
    public void An_endless_trace_yields_each_chain_as_soon_as_it_ends()
    {
        using var input = new GeneratedTrace(chains: long.MaxValue, tasksPerChain: 3);

        var first = TaTraceReader.Read(input, "endless").Take(3).ToList();

        first.Select(c => c.ChainId).ShouldBe(["c0", "c1", "c2"]);
        first.ShouldAllBe(c => c.Tasks.Length == 3);
        input.CharsRead.ShouldBeLessThanOrEqualTo(2 * CsvRows.BufferSize); // at most one buffer past the fourth chain's first row
    }

    [Fact]
    public void A_generated_200k_row_trace_reads_chain_by_chain()
    {
        using var input = new GeneratedTrace(chains: 50_000, tasksPerChain: 4);

        var (chains, tasks, linked) = (0, 0, 0);
        foreach (var chain in TaTraceReader.Read(input, "large"))
        {
            chains++;
            tasks += chain.Tasks.Length;
            if (chain.Tasks[^1].After.SequenceEqual([chain.Tasks[^2].Id]))
                linked++;
        }

        (chains, tasks, linked).ShouldBe((50_000, 200_000, 50_000));
    }

    [Fact]
    public void A_long_chain_of_dependencies_does_not_overflow_the_stack()
    {
        using var input = new GeneratedTrace(chains: 1, tasksPerChain: 50_000);

        TaTraceReader.Read(input, "deep").Single().Tasks.Length.ShouldBe(50_000);
    }

    /// <summary>A trace written on demand, row by row: the reader can only finish if it streams.</summary>
    private sealed class GeneratedTrace(long chains, int tasksPerChain) : TextReader
    {
        private readonly StringBuilder _pending = new(Header);
        private long _chain;
        private int _task;
        private int _offset;

        public long CharsRead { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _pending.Length && !NextRow())
                    break;
                var n = Math.Min(count - written, _pending.Length - _offset);
                _pending.CopyTo(_offset, buffer, index + written, n);
                (_offset, written) = (_offset + n, written + n);
            }
            CharsRead += written;
            return written;
        }

        public override int Read()
        {
            var one = new char[1];
            return Read(one, 0, 1) == 1 ? one[0] : -1;
        }

        private bool NextRow()
        {
            if (_chain >= chains)
                return false;
            var after = _task == 0 ? "" : $"t{_task - 1}";
            _pending.Clear();
            _offset = 0;
            _pending.Append($"{_chain}.5,app{_chain % 7},c{_chain},t{_task},Build,{after},1.5,1,128,in/{_chain}:1024,out/{_chain}/{_task}:2048,host-{_task % 3}\n");
            if (++_task == tasksPerChain)
                (_chain, _task) = (_chain + 1, 0);
            return true;
        }
    }
}
