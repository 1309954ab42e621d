namespace Tandem.Core.Config;

/// <summary>A route's <c>respond</c>: Tandem answers a fixed response.</summary>
public sealed record RespondConfig
{
    /// <summary>Key <c>status</c>: 200..599; default 200.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Key <c>body</c>, or the content of the file named by <c>body-file</c> (read when the config is loaded); empty when neither.</summary>
    public string Body { get; init; } = "";

    /// <summary>Key <c>body-file</c>: where <see cref="Body"/> came from, if from a file.</summary>
    public string? BodyFile { get; init; }

    /// <summary>Key <c>content-type</c>: default <c>text/plain; charset=utf-8</c>.</summary>
    public string? ContentType { get; init; }
}
