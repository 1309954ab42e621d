namespace Tandem.Core.Config.Sections.Forecast;

/// <summary>One of <c>scale-ahead.actions</c>: <c>wake-backups</c>, a webhook or a command.</summary>
internal static class ScaleActionBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Webhook = Keys.Add("webhook"),
        Command = Keys.Add("command"),
        Timeout = Keys.Add("timeout");

    public static ScaleAction? Bind(ConfigReader reader, YamlNode node, string path)
    {
        if (node is YamlScalar scalar)
        {
            if (scalar.Text == "wake-backups")
            {
                return new ScaleAction(ScaleActionKind.WakeBackups);
            }
            reader.Problem(scalar, path, $"unknown action '{scalar.Text}'; expected wake-backups, webhook: URL or command: \"...\"");
            return null;
        }
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var webhook = reader.String(map, path, Webhook);
        var command = reader.String(map, path, Command);
        var timeout = reader.Duration(map, path, Timeout);
        if (webhook is not null && command is not null)
        {
            reader.Problem(map, path, "give either webhook or command, not both");
            return null;
        }
        if (webhook is null && command is null)
        {
            reader.Problem(map, path, "expected wake-backups, webhook: URL or command: \"...\"");
            return null;
        }
        if (webhook is not null)
        {
            if (!Uri.TryCreate(webhook, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                reader.Problem(ConfigReader.Value(map, Webhook)!, Webhook.At(path), $"expected an http:// or https:// URL, got '{webhook}'");
                return null;
            }
            return new ScaleAction(ScaleActionKind.Webhook, webhook, timeout);
        }
        if (string.IsNullOrWhiteSpace(command))
        {
            reader.Problem(ConfigReader.Value(map, Command) ?? map, Command.At(path), "must not be empty");
            return null;
        }
        return new ScaleAction(ScaleActionKind.Command, command, timeout);
    }
}
