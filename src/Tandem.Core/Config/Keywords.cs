namespace Tandem.Core.Config;

/// <summary>
/// The few words a config key accepts and what each means (e.g. <c>json</c> and <c>combined</c> for an access-log
/// format), compared ordinally. A handful of pairs searched in order: unlike a <c>Dictionary</c> or
/// <c>FrozenDictionary</c> over one of our enums, this type's code is compiled ahead of time with ours (ReadyToRun), so
/// loading a config JIT-compiles nothing for it (the enum maps cost ~300 JIT-compiled methods; bench/README.md, "Start-up").
/// </summary>
/// <typeparam name="T">The meaning of a word, usually an enum.</typeparam>
public sealed class Keywords<T>
    where T : struct
{
    private readonly string[] _words;
    private readonly T[] _values;

    /// <param name="pairs">Each accepted word and its meaning.</param>
    public Keywords(params ReadOnlySpan<(string Word, T Value)> pairs)
    {
        _words = new string[pairs.Length];
        _values = new T[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            (_words[i], _values[i]) = pairs[i];
        }
    }

    /// <summary>The meaning of <paramref name="word"/>, when it is one of the accepted words.</summary>
    public bool TryGetValue(string word, out T value)
    {
        for (var i = 0; i < _words.Length; i++)
        {
            if (string.Equals(_words[i], word, StringComparison.Ordinal))
            {
                value = _values[i];
                return true;
            }
        }
        value = default;
        return false;
    }
}
