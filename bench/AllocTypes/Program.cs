using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Tallies GC AllocationTick events (one per ~100 KB allocated, carrying the type that crossed the mark and its stack) of a
// .nettrace from `dotnet-trace collect --profile gc-verbose`: each type's share of the sampled bytes, and for the top
// types the first frames outside the runtime's allocation helpers, so the call site shows.
//   AllocTypes TRACE.nettrace [TOP_TYPES=15] [FRAMES=6]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AllocTypes TRACE.nettrace [TOP_TYPES] [FRAMES]");
    return 2;
}
var top = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
var depth = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 6;
var etlx = TraceLog.CreateFromEventPipeDataFile(args[0]);
using var log = new TraceLog(etlx);
var byType = new Dictionary<string, long>();
var byStack = new Dictionary<(string Type, string Stack), long>();
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick)
    {
        continue;
    }
    var type = tick.TypeName ?? "?";
    var bytes = tick.AllocationAmount64;
    total += bytes;
    byType[type] = byType.GetValueOrDefault(type) + bytes;
    var frames = new List<string>();
    for (var frame = e.CallStack(); frame is not null && frames.Count < depth; frame = frame.Caller)
    {
        var method = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(method))
        {
            method = frame.CodeAddress.ModuleName is { Length: > 0 } module ? module + "!?" : "?";
        }
        frames.Add(method);
    }
    var stack = string.Join("\n      <- ", frames);
    byStack[(type, stack)] = byStack.GetValueOrDefault((type, stack)) + bytes;
}
Console.WriteLine($"sampled bytes: {total:N0} (AllocationTick events, ~100 KB each)");
foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
{
    Console.WriteLine($"{100.0 * bytes / Math.Max(total, 1),6:0.0}%  {type}");
    foreach (var (key, b) in byStack.Where(p => p.Key.Type == type).OrderByDescending(p => p.Value).Take(3))
    {
        Console.WriteLine($"    {100.0 * b / Math.Max(total, 1):0.0}%  {key.Stack}");
    }
}
return 0;
