using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tandem.Pair.Transport;

/// <summary>Answers one verified message: the request, the sender's node name; returns the answer to sign and send back.</summary>
internal delegate ValueTask<TAnswer> PairRouteHandler<TRequest, TAnswer>(TRequest request, string sender, CancellationToken cancellationToken);

/// <summary>
/// The paths the pair channel answers, each with its handler; replicators map theirs before the channel starts. The channel itself knows no message type: a new kind of replicated state brings its own path.
/// Concurrency: <see cref="Map"/> only before the listener starts; afterwards the table is only read, from any thread.
/// </summary>
internal sealed class PairRoutes
{
    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);

    /// <summary>Answers <paramref name="path"/> with <paramref name="handle"/>.</summary>
    public void Map<TRequest, TAnswer>(string path, JsonTypeInfo<TRequest> request, JsonTypeInfo<TAnswer> answer,
        PairRouteHandler<TRequest, TAnswer> handle)
    {
        _routes.Add(path, new Route(async (sender, body, cancellationToken) =>
        {
            var message = JsonSerializer.Deserialize(body, request) ?? throw new JsonException("null message");
            return (byte[]?)JsonSerializer.SerializeToUtf8Bytes(await handle(message, sender, cancellationToken), answer);
        }));
    }

    /// <summary>The metrics label of a received message: its path's (<see cref="PairPaths.TypeOf"/>), or <c>unknown</c> for a path not mapped.</summary>
    public string TypeOf(string path) => _routes.ContainsKey(path) ? PairPaths.TypeOf(path) : "unknown";

    /// <summary>The answer's JSON, or null when no route has this path.</summary>
    /// <exception cref="JsonException">The body is not the route's message.</exception>
    public Task<byte[]?> HandleAsync(string path, string sender, byte[] body, CancellationToken cancellationToken) =>
        _routes.TryGetValue(path, out var route) ? route.Handle(sender, body, cancellationToken) : Task.FromResult<byte[]?>(null);

    private sealed record Route(Func<string, byte[], CancellationToken, Task<byte[]?>> Handle);
}
