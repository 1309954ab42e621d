using Microsoft.Extensions.Hosting;

namespace Tandem.Hosting;

/// <summary>A host lifetime that ignores console signals, for nodes embedded in tests (several per process).</summary>
internal sealed class NoSignalLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
