using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Observability.Admin;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(IReadOnlyList<PoolView>))]
[JsonSerializable(typeof(PoolView))]
[JsonSerializable(typeof(ServerView))]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(ExplainView))]
[JsonSerializable(typeof(StickyView))]
[JsonSerializable(typeof(StickyCleared))]
[JsonSerializable(typeof(Tandem.Core.Runtime.PoliciesReport))]
[JsonSerializable(typeof(Tandem.Core.Runtime.RouteExplanation))]
[JsonSerializable(typeof(Tandem.Core.Runtime.ConnectionExplanation))]
internal sealed partial class AdminJsonContext : JsonSerializerContext
{
    /// <summary>Readable output for humans with curl: quotes and '+' unescaped (the API is not embedded in HTML).</summary>
    public static AdminJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
