namespace Tandem.Core.Config;

/// <summary>Reads the admin token from <c>admin.token-file</c>; validation and the running node read it alike.</summary>
public static class AdminToken
{
    /// <summary>Tokens longer than this are refused: the file is meant to hold one secret, not anything else.</summary>
    public const int MaxLength = 4096;

    /// <summary>The token of <paramref name="path"/>: its text without surrounding whitespace, one word, not empty.</summary>
    public static bool TryRead(string path, out string token, out string error)
    {
        ArgumentNullException.ThrowIfNull(path);
        token = "";
        if (!File.Exists(path))
        {
            error = $"token file '{path}' does not exist";
            return false;
        }
        string text;
        try
        {
            text = Files.BoundedFile.ReadAllText(path, MaxLength + 2, "a token file");
        }
        catch (Files.FileTooLargeException)
        {
            error = $"token file '{path}' is longer than {MaxLength} bytes; it must hold only the token";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read token file '{path}': {ex.Message}";
            return false;
        }
        text = text.Trim();
        if (text.Length == 0)
        {
            error = $"token file '{path}' is empty; put the admin token in it";
            return false;
        }
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                error = $"token file '{path}' holds more than one word; the token must not contain spaces or line breaks";
                return false;
            }
        }
        token = text;
        error = "";
        return true;
    }
}
