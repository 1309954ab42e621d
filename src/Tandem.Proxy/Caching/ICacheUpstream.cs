using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Caching;

/// <summary>The stages after the cache (select a server, forward), as the cache stage calls them for a miss or a revalidation.</summary>
internal interface ICacheUpstream
{
    /// <summary>Selects a server of the request's route and forwards the request, answering the client as the stages do.</summary>
    ValueTask ForwardAsync(RequestState state);
}
