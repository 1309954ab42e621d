using System.Text.Json.Serialization;

namespace Tandem.Observability.Admin;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(IReadOnlyList<PoolView>))]
[JsonSerializable(typeof(PoolView))]
[JsonSerializable(typeof(ServerView))]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(ErrorView))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
