using System.Globalization;
using System.Text;
using Tandem.Testing;

namespace Tandem.Tests.Support;

/// <summary>Config files for host tests: one listener in front of one pool of test backends, admin on its own port.</summary>
internal static class ConfigYaml
{
    /// <summary>
    /// The layout is fixed (tests assert line:column of problems): servers start at line 12, three lines each
    /// (name, address, weight), so server i's weight is on line 14 + 3i, column 17.
    /// </summary>
    public static string OnePool(int port, int adminPort, string algorithm, params (TestBackend Backend, int Weight)[] servers)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            listeners:
              - name: web
                bind: 127.0.0.1:{port}
                pool: app
            admin:
              bind: 127.0.0.1:{adminPort}
            drain-timeout: 10s
            pools:
              - name: app
                algorithm: {algorithm}
                servers:

            """);
        foreach (var (backend, weight) in servers)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                      - name: {backend.Name}
                        address: 127.0.0.1:{backend.Port}
                        weight: {weight}

                """);
        }
        return yaml.ToString();
    }
}
