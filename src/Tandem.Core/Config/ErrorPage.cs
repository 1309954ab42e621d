namespace Tandem.Core.Config;

/// <summary>One error page: the status it answers, the file it came from and its content.</summary>
public sealed record ErrorPage(int Status, string File, string Body);
