namespace Tandem.Fuzz;

/// <summary>One fuzz target: feeds the input to a parser and throws when the parser throws or breaks an invariant.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>The targets by the name given on the command line.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, FuzzTarget> ByName = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["response-head"] = ResponseHeadTarget.Run,
        ["chunked"] = ChunkedTarget.Run,
    };
}
