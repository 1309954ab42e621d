using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tandem.Pair.Transport;

/// <summary>Answers one verified message: the request, the sender's node name; returns the answer to sign and send back.</summary>
internal delegate ValueTask<TAnswer> PairRouteHandler<TRequest, TAnswer>(TRequest request, string sender, CancellationToken cancellationToken);

/// <summary>
/// The paths the pair channel answers, each with its metrics label and handler; replicators map theirs before the channel
/// starts. The channel itself knows no message type: a new kind of replicated state brings its own path.
/// Concurrency: <see cref="Map"/> only before the listener starts; afterwards the table is only read, from any thread.
/// </summary>
internal sealed class PairRoutes
{
    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);

    /// <summary>Answers <paramref name="path"/> with <paramref name="handle"/>; <paramref name="type"/> labels its messages in the metrics.</summary>
    public void Map<TRequest, TAnswer>(string path, string type, JsonTypeInfo<TRequest> request, JsonTypeInfo<TAnswer> answer,
        PairRouteHandler<TRequest, TAnswer> handle)
    {
        _routes.Add(path, new Route(type, async (sender, body, cancellationToken) =>
        {
            var message = JsonSerializer.Deserialize(body, request) ?? throw new JsonException("null message");
            return (byte[]?)JsonSerializer.SerializeToUtf8Bytes(await handle(message, sender, cancellationToken), answer);
        }));
    }

    /// <summary>The metrics label of a path: the label it was mapped with, or <c>unknown</c>.</summary>
    public string TypeOf(string path) => _routes.TryGetValue(path, out var route) ? route.Type : "unknown";

    /// <summary>The answer's JSON, or null when no route has this path.</summary>
    /// <exception cref="JsonException">The body is not the route's message.</exception>
    public Task<byte[]?> HandleAsync(string path, string sender, byte[] body, CancellationToken cancellationToken) =>
        _routes.TryGetValue(path, out var route) ? route.Handle(sender, body, cancellationToken) : Task.FromResult<byte[]?>(null);

    private sealed record Route(string Type, Func<string, byte[], CancellationToken, Task<byte[]?>> Handle);
}
