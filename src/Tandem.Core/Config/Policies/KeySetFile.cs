using System.Text.Json;
using Tandem.Core.Files;

namespace Tandem.Core.Config.Policies;

/// <summary>Reads a JSON Web Key Set file: bounded in size, and a clear error for a file that is not one.</summary>
public static class KeySetFile
{
    public const long MaxSize = 1024 * 1024;

    /// <summary>The file's text; throws <see cref="IOException"/> or <see cref="InvalidDataException"/> with a clear message.</summary>
    public static string Read(string path)
    {
        var text = BoundedFile.ReadAllText(path, MaxSize, "a JWKS file");
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path} is not a JSON Web Key Set: expected an object with a \"keys\" list");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }
        return text;
    }

    internal static bool TryCheck(string path, out string error)
    {
        try
        {
            Read(path);
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Worded like the certificate and CA files' errors, not .NET's "Could not find a part of the path".
            error = $"cannot read JWKS file {path}: no such file";
            return false;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return false;
        }
    }
}
