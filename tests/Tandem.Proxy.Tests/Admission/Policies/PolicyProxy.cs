using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>A proxy on an ephemeral 127.0.0.1 (or [::1]) port in front of one backend, its policies written in YAML as a user would.</summary>
internal static class PolicyProxy
{
    /// <summary>
    /// <paramref name="listener"/>: extra keys of the one listener (e.g. <c>policy: p</c>), indented by four spaces;
    /// <paramref name="top"/>: top-level keys (<c>policies:</c>, <c>default-policy:</c>...).
    /// </summary>
    public static async Task<ProxyHarness> StartAsync(TestBackend backend, string listener, string top, string host = "127.0.0.1")
    {
        var loaded = Load(backend, listener, top);
        var config = loaded with { Listeners = [loaded.Listeners[0] with { Bind = new HostPort(host, 0) }] };
        return await ProxyHarness.StartAsync(config, new AccessLogConfig { Path = "access.log" });
    }

    public static TandemConfig Load(TestBackend backend, string listener, string top)
    {
        var yaml = $"""
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
            {Indent(listener, "    ")}
            pools:
              - name: app
                servers:
                  - address: {backend.Address}
            {top}
            """;
        var loaded = ConfigLoader.Parse(yaml, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        return loaded.Config!;
    }

    private static string Indent(string text, string by) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : by + line));

    /// <summary>The access log's JSON entries once <paramref name="count"/> are written.</summary>
    public static Task<System.Text.Json.JsonElement[]> EntriesAsync(ProxyHarness proxy, int count) => proxy.LogEntriesAsync(count);
}
