namespace Tandem.Testing;

/// <summary>
/// The YAML preambles config tests start from: listener <c>web</c> on 127.0.0.1:8080 in front of pool <c>app</c>.
/// Each ends with a newline. Tests assert line:column of problems in what follows, so the line counts are fixed.
/// </summary>
public static class TestYaml
{
    /// <summary>4 lines: the listener only.</summary>
    public const string Listener = """
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app

        """;

    /// <summary>6 lines: the listener and the start of pool <c>app</c>; the pool's keys follow, indented four spaces.</summary>
    public const string PoolHead = Listener + """
        pools:
          - name: app

        """;

    /// <summary>8 lines: pool <c>app</c> with one server, 127.0.0.1:9001; top-level sections follow.</summary>
    public const string OneServer = PoolHead + """
            servers:
              - address: 127.0.0.1:9001

        """;
}
