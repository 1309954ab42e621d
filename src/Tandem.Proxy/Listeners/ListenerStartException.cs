namespace Tandem.Proxy.Listeners;

/// <summary>A listener could not be bound (port in use, address not on this host, no permission).</summary>
public sealed class ListenerStartException : Exception
{
    public ListenerStartException(string listener, string bind, Exception inner)
        : base($"listener '{listener}' cannot bind {bind}: {inner?.Message}", inner)
    {
        Listener = listener;
        Bind = bind;
    }

    public ListenerStartException()
    {
        Listener = Bind = "";
    }

    public ListenerStartException(string message)
        : base(message)
    {
        Listener = Bind = "";
    }

    public ListenerStartException(string message, Exception inner)
        : base(message, inner)
    {
        Listener = Bind = "";
    }

    public string Listener { get; }

    public string Bind { get; }
}
