namespace Tandem.Hosting;

/// <summary>
/// What a starting node has started so far, in order. When a later step fails, <see cref="ReleaseAsync"/> releases
/// them newest first, so nothing a failed start took (a port, a file, a socket taken over) stays held.
/// </summary>
internal sealed class StartedParts
{
    private readonly List<Func<ValueTask>> _releases = [];

    public T Add<T>(T part)
        where T : IAsyncDisposable
    {
        _releases.Add(part.DisposeAsync);
        return part;
    }

    public void Add(Action release) =>
        _releases.Add(() =>
        {
            release();
            return ValueTask.CompletedTask;
        });

    /// <summary>From now on <paramref name="owner"/> holds every part so far and is what a failure releases.</summary>
    public void HandTo(IAsyncDisposable owner)
    {
        _releases.Clear();
        Add(owner);
    }

    /// <summary>The start succeeded: the caller owns everything.</summary>
    public void Keep() => _releases.Clear();

    public async Task ReleaseAsync()
    {
        for (var i = _releases.Count - 1; i >= 0; i--)
        {
            await _releases[i]();
        }
        _releases.Clear();
    }
}
