namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// Where socket work runs. By default .NET hands every socket event from its epoll threads to the thread pool; a proxy
/// then pays two thread switches per request (client bytes in, server bytes back), and on a small machine those
/// switches cost more than the proxying (measured here: 16% of CPU in the scheduler, 0.6x nginx's requests/s).
/// Tandem runs socket continuations inline on one epoll thread per core instead, as the ASP.NET benchmarks do:
/// about 25% less CPU per request here. The request path never blocks, which inline running requires.
/// The runtime reads these settings once, at the first socket, so <see cref="Configure"/> must run first thing in
/// <c>Main</c>. <c>TANDEM_INLINE_IO=0</c> turns it off; explicit <c>DOTNET_SYSTEM_NET_SOCKETS_*</c> settings win.
/// </summary>
public static class IoScheduling
{
    private const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>Whether socket continuations run inline on the epoll threads (also tells Kestrel's transport to do the same).</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(InlineVariable) == "1";

    public static void Configure()
    {
        if (Environment.GetEnvironmentVariable("TANDEM_INLINE_IO") == "0" || Environment.GetEnvironmentVariable(InlineVariable) is not null)
        {
            return;
        }
        Environment.SetEnvironmentVariable(InlineVariable, "1");
        if (Environment.GetEnvironmentVariable(ThreadCountVariable) is null)
        {
            Environment.SetEnvironmentVariable(ThreadCountVariable, Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
