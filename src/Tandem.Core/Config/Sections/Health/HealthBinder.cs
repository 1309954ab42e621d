namespace Tandem.Core.Config.Sections.Health;

/// <summary>A pool's <c>health</c>: the active probe (http, or tcp/udp with a payload), its timing and thresholds.</summary>
internal static class HealthBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        PathKey = Keys.Add("path"),
        Interval = Keys.Add("interval"),
        Timeout = Keys.Add("timeout"),
        Rise = Keys.Add("rise"),
        Fall = Keys.Add("fall"),
        FallInterval = Keys.Add("fall-interval"),
        ExpectStatus = Keys.Add("expect-status"),
        ExpectBody = Keys.Add("expect-body"),
        Host = Keys.Add("host"),
        TypeKey = Keys.Add("type"),
        Send = Keys.Add("send"),
        Expect = Keys.Add("expect");

    private static readonly Keywords<HealthCheckType> HealthTypes = new(("http", HealthCheckType.Http), ("tcp", HealthCheckType.Tcp), ("udp", HealthCheckType.Udp));

    public static HealthConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var pathValue = reader.String(map, path, PathKey);
        if (pathValue is not null && !pathValue.StartsWith('/'))
        {
            reader.Problem(ConfigReader.Value(map, PathKey)!, PathKey.At(path), $"must start with '/', got '{pathValue}'");
        }
        StatusRange? expect = null;
        if (reader.String(map, path, ExpectStatus) is { } expectText)
        {
            expect = StatusRange.TryParse(expectText);
            if (expect is null)
            {
                reader.Problem(ConfigReader.Value(map, ExpectStatus)!, ExpectStatus.At(path),
                    $"expected a status code or range such as 200 or 200-399 (100..599), got '{expectText}'");
            }
        }
        var (type, send, expectBytes) = ReadProbeParts(reader, map, path, pathValue);
        return new HealthConfig
        {
            Type = type,
            Send = send,
            Expect = expectBytes,
            Path = pathValue,
            Interval = reader.Duration(map, path, Interval),
            Timeout = reader.Duration(map, path, Timeout),
            Rise = reader.Int(map, path, Rise, 1, 100),
            Fall = reader.Int(map, path, Fall, 1, 100),
            FallInterval = reader.Duration(map, path, FallInterval),
            ExpectStatus = expect,
            ExpectBody = reader.String(map, path, ExpectBody),
            Host = reader.String(map, path, Host),
        };
    }

    /// <summary>The health probe's <c>type</c>, <c>send</c> and <c>expect</c>, checked against each other and <c>path</c>.</summary>
    private static (HealthCheckType? Type, string? Send, string? Expect) ReadProbeParts(ConfigReader reader, YamlMapping map, string path, string? httpPath)
    {
        var type = reader.Choice(map, path, TypeKey, HealthTypes, v => $"unknown value '{v}'; expected http, tcp or udp");
        var send = Payload(reader, map, path, Send);
        var expect = Payload(reader, map, path, Expect);
        var inForce = type ?? (httpPath is null ? HealthCheckType.Tcp : HealthCheckType.Http);
        if (type == HealthCheckType.Http && httpPath is null)
        {
            reader.Problem(ConfigReader.Value(map, TypeKey)!, TypeKey.At(path), "an http check needs a path");
        }
        if (type is HealthCheckType.Tcp or HealthCheckType.Udp && httpPath is not null)
        {
            reader.Problem(ConfigReader.Value(map, PathKey)!, PathKey.At(path), $"applies only to http checks, not {TypeName(inForce)}");
        }
        if (inForce == HealthCheckType.Http)
        {
            ConfigValues.NotHere(reader, map, path, Send, "applies only to tcp and udp checks");
            ConfigValues.NotHere(reader, map, path, Expect, "applies only to tcp and udp checks; http checks use expect-status and expect-body");
        }
        return (type, send, expect);
    }

    private static string TypeName(HealthCheckType type) => type switch
    {
        HealthCheckType.Tcp => "tcp",
        HealthCheckType.Udp => "udp",
        _ => "http",
    };

    private static string? Payload(ConfigReader reader, YamlMapping map, string path, ConfigKey key)
    {
        var text = reader.String(map, path, key);
        if (text is not null && ProbePayload.TryDecode(text, out var error) is null)
        {
            reader.Problem(ConfigReader.Value(map, key)!, key.At(path), error!);
            return null;
        }
        return text;
    }
}
