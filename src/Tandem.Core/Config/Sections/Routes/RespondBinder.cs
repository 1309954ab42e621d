namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>respond</c>: an answer made by Tandem itself (status, body or body file, content type).</summary>
internal static class RespondBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Status = Keys.Add("status"),
        Body = Keys.Add("body"),
        BodyFile = Keys.Add("body-file"),
        ContentType = Keys.Add("content-type");

    /// <summary>The largest <c>respond.body-file</c>: a page, not a download.</summary>
    private const long MaxBodyFile = 1024 * 1024;

    public static RespondConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var status = reader.Int(map, path, Status, 200, 599);
        var body = reader.String(map, path, Body);
        var file = reader.String(map, path, BodyFile);
        var contentType = reader.String(map, path, ContentType);
        if (body is not null && file is not null)
        {
            reader.Problem(ConfigReader.Value(map, BodyFile)!, BodyFile.At(path), "give body or body-file, not both");
            return null;
        }
        if (file is not null)
        {
            try
            {
                body = Files.BoundedFile.ReadAllText(file, MaxBodyFile, "a response body");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                reader.Problem(ConfigReader.Value(map, BodyFile)!, BodyFile.At(path), $"cannot read '{file}': {ex.Message}");
                return null;
            }
        }
        return new RespondConfig { Status = status ?? 200, Body = body ?? "", BodyFile = file, ContentType = contentType };
    }
}
