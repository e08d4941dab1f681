using System.Buffers;
using System.Text;

namespace TaskAffinity.Simulation.Traces;

/// <summary>One CSV record: its cells and the physical line (1-based) it starts on.</summary>
internal readonly record struct CsvRow(int Line, string[] Cells);

/// <summary>
/// A hand-written RFC 4180 reader that streams records from a <see cref="TextReader"/> through a fixed
/// buffer, so a file of any size is never held whole. Quoted cells may hold commas, line breaks and doubled
/// quotes (<c>""</c> = one quote). Records end with CRLF, LF or a lone CR; blank lines and a leading
/// byte-order mark are skipped. Strict where RFC 4180 is: a quote inside an unquoted cell, text after a
/// closing quote and a quote left open at the end of the input are errors, each naming the line the record
/// starts on and the column.
/// </summary>
internal sealed class CsvRows(TextReader reader, string fileName, IReadOnlyList<string> columnNames)
{
    /// <summary>Characters read ahead at most: the bound on how far past the current record the input is consumed.</summary>
    internal const int BufferSize = 16 * 1024;

    private const int EndOfInput = -1;

    private static readonly SearchValues<char> PlainCellEnds = SearchValues.Create(",\r\n\"");

    private readonly char[] _buffer = new char[BufferSize];
    private readonly StringBuilder _cell = new();
    private readonly List<string> _cells = [];
    private int _length;
    private int _position;
    private int _line = 1; // physical line of the next character

    public IEnumerable<CsvRow> Read()
    {
        if (Peek() == '\uFEFF')
            _position++; // a UTF-8 byte-order mark, not data
        while (true)
        {
            var next = Peek();
            if (next == EndOfInput)
                yield break;
            if (next is '\r' or '\n')
            {
                Next(); // a blank line
                if (next == '\r' && Peek() == '\n') Next();
                continue;
            }
            yield return ReadRecord();
        }
    }

    // ── one record ───────────────────────────────────────────────────────────
    private CsvRow ReadRecord()
    {
        var startLine = _line;
        _cells.Clear();
        while (true)
        {
            _cell.Clear();
            if (Peek() == '"')
                ReadQuotedCell(startLine);
            else
                ReadPlainCell(startLine);
            _cells.Add(_cell.ToString());

            var terminator = Next();
            switch (terminator)
            {
                case ',':
                    continue;
                case '\r':
                    if (Peek() == '\n') Next();
                    return new CsvRow(startLine, [.. _cells]);
                case '\n' or EndOfInput:
                    return new CsvRow(startLine, [.. _cells]);
                default:
                    _cells.RemoveAt(_cells.Count - 1); // so the error names the quoted cell's column
                    throw Error(startLine, $"unexpected '{(char)terminator}' after a closing quote; a quoted cell must end at a comma or the end of the line");
            }
        }
    }

    /// <summary>Copies the cell up to its end in whole runs of the buffer: the common case, so it avoids a call per character.</summary>
    private void ReadPlainCell(int startLine)
    {
        while (_position < _length || Fill())
        {
            var rest = _buffer.AsSpan(_position, _length - _position);
            var end = rest.IndexOfAny(PlainCellEnds);
            _cell.Append(end < 0 ? rest : rest[..end]);
            _position += end < 0 ? rest.Length : end;
            if (end < 0)
                continue;
            if (_buffer[_position] == '"')
                throw Error(startLine, "a quote inside an unquoted cell; quote the whole cell and double the quote (\"\")");
            return; // at ',' or a line break, which the caller consumes
        }
    }

    private void ReadQuotedCell(int startLine)
    {
        Next(); // the opening quote
        while (true)
        {
            var c = Next();
            if (c == EndOfInput)
                throw Error(startLine, "a quoted cell is not closed before the end of the file");
            if (c == '"')
            {
                if (Peek() != '"')
                    return; // the closing quote
                Next(); // "" stands for one quote
            }
            _cell.Append((char)c);
        }
    }

    // ── characters ───────────────────────────────────────────────────────────
    private int Peek()
    {
        if (_position == _length && !Fill())
            return EndOfInput;
        return _buffer[_position];
    }

    private int Next()
    {
        var c = Peek();
        if (c == EndOfInput)
            return c;
        _position++;
        // A line ends at LF, or at a CR that no LF follows; CRLF counts once, at its LF.
        if (c == '\n' || (c == '\r' && Peek() != '\n'))
            _line++;
        return c;
    }

    private bool Fill()
    {
        try
        {
            _length = reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            // The decoder works a block ahead of the parser, so the bad bytes are here or a little further on.
            throw new TraceFormatException(fileName, $"line {_line}", "encoding",
                "the file is not valid UTF-8 (the bad bytes are on this line or within the next few lines)");
        }
        _position = 0;
        return _length > 0;
    }

    private TraceFormatException Error(int line, string problem)
    {
        var index = _cells.Count;
        var column = index < columnNames.Count ? columnNames[index] : $"column {index + 1}";
        return new TraceFormatException(fileName, $"line {line}", column, problem);
    }
}
