using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Core.Config;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem pair status [--admin HOST:PORT | https://HOST:PORT] [--config FILE] [--ca FILE] [--json]</c>: both nodes' roles, the VIP
/// holder, config versions and sync lag. How the admin API is reached (HTTPS, trust, token): <see cref="AdminEndpoint"/>.
/// </summary>
internal static class PairCommand
{
    public static Command Create()
    {
        var admin = new Option<string?>("--admin")
        {
            Description = $"The local node's admin listener: host:port, or https://host:port when it has admin.tls (default: the --config's admin.bind, else {ConfigDefaults.AdminBind}).",
        };
        var config = new Option<string?>("--config", "-c")
        {
            Description = "The node's config file: its admin.bind, and with admin.tls HTTPS trusting the certificates it serves, and its admin.token-file.",
        };
        var ca = new Option<string?>("--ca") { Description = $"A PEM CA file trusted for an HTTPS admin listener's certificate (or {AdminEndpoint.CaVariable})." };
        var clientCert = new Option<string?>("--client-cert") { Description = "A PEM client certificate for an admin listener with client-certificates (with --client-key)." };
        var clientKey = new Option<string?>("--client-key") { Description = "The key of --client-cert." };
        var json = new Option<bool>("--json") { Description = "Print the node's /api/pair answer as JSON." };
        var status = new Command("status", "Show both nodes of the pair: roles, VIP holder, config versions (and whether they match), sync lag.")
        {
            admin, config, ca, clientCert, clientKey, json,
        };
        status.SetAction(async (parse, cancellationToken) =>
        {
            var endpoint = AdminEndpoint.Resolve(parse.GetValue(admin), parse.GetValue(config), parse.GetValue(ca), parse.GetValue(clientCert),
                parse.GetValue(clientKey), out var problem);
            if (endpoint is null)
            {
                await Console.Error.WriteLineAsync($"tandem: {problem}");
                return ExitCodes.BadUsage;
            }
            return await StatusAsync(endpoint, parse.GetValue(json), Console.Out, Console.Error, cancellationToken);
        });
        return new Command("pair", "The two-node pair.") { status };
    }

    /// <summary><c>pair status --admin <paramref name="admin"/></c>.</summary>
    internal static async Task<int> StatusAsync(string admin, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var endpoint = AdminEndpoint.Resolve(admin, null, null, null, null, out var problem);
        if (endpoint is null)
        {
            await error.WriteLineAsync($"tandem: {problem}");
            return ExitCodes.BadUsage;
        }
        return await StatusAsync(endpoint, asJson, output, error, cancellationToken);
    }

    /// <summary>How long <c>pair status</c> waits for the admin API: a busy node still answers, a dead one is reported.</summary>
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(10);

    internal static async Task<int> StatusAsync(AdminEndpoint admin, bool asJson, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var url = new Uri(admin.BaseUri, "api/pair");
        string body;
        try
        {
            using var http = admin.CreateClient(StatusTimeout);
            using var response = await http.GetAsync(url, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                await error.WriteLineAsync($"tandem: {url} answered 401: this admin listener needs its token (admin.token-file) for reads; pass --config with the node's config file, or run pair status on the node against its loopback admin address");
                return ExitCodes.RuntimeFailure;
            }
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"tandem: {url} answered {(int)response.StatusCode}; is this a Tandem admin listener?");
                return ExitCodes.RuntimeFailure;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            var reason = ex is HttpRequestException request ? admin.Explain(request) : "no answer within 10 s";
            await error.WriteLineAsync($"tandem: cannot reach the node's admin API at {admin.Display}: {reason}");
            return ExitCodes.RuntimeFailure;
        }
        if (asJson)
        {
            await output.WriteLineAsync(body);
            return ExitCodes.Ok;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            await output.WriteAsync(Format(document.RootElement));
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            await error.WriteLineAsync($"tandem: {url} did not answer a pair status: {ex.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }

    internal static string Format(JsonElement pair)
    {
        var node = pair.GetProperty("node").GetString() ?? "";
        var role = pair.GetProperty("role").GetString() ?? "?";
        var text = new StringBuilder();
        if (role == "standalone")
        {
            text.AppendLine("standalone: this node has no pair section");
            return text.ToString();
        }
        var peer = Text(pair, "peer") ?? "?";
        var alive = pair.GetProperty("peerAlive").GetBoolean();
        var seen = Text(pair, "peerLastSeen");
        var version = Text(pair, "configVersion");
        var peerVersion = Text(pair, "peerConfigVersion");
        text.AppendLine(CultureInfo.InvariantCulture, $"node {node} (this node): {role}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"node {peer} (peer): {Text(pair, "peerRole") ?? "unknown"}, {(alive ? "alive" : "not answering")}{(seen is null ? ", never seen" : ", last seen " + seen)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"VIP holder: {Text(pair, "vipHolder") ?? "unknown"}");
        var match = version is not null && version == peerVersion ? "same config" : "configs differ";
        text.AppendLine(CultureInfo.InvariantCulture, $"config: {node} {version ?? "?"}, {peer} {peerVersion ?? "?"} ({match})");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"sync: lag {pair.GetProperty("lagChanges").GetInt64()} changes, last sync {Text(pair, "lastSync") ?? "never"}");
        return text.ToString();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
