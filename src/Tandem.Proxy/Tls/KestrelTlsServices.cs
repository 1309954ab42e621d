using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Proxy.Tls;

/// <summary>
/// Kestrel's HTTPS middleware takes its metrics object from the server's application services, where only a web host
/// registers it. A listener whose services come from elsewhere (a bare provider in tests and tools) gets Kestrel's
/// core services from here, registered by Kestrel's own public <c>UseKestrelCore</c>, behind its own services.
/// </summary>
internal static class KestrelTlsServices
{
    private static readonly Lazy<ServiceProvider> Core = new(BuildCore);

    /// <summary><paramref name="application"/> first, then Kestrel's core services.</summary>
    public static IServiceProvider With(IServiceProvider application) => new Fallback(application, Core.Value);

    private static ServiceProvider BuildCore()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        new ServicesOnly(services).UseKestrelCore();
        return services.BuildServiceProvider();
    }

    private sealed class Fallback(IServiceProvider first, IServiceProvider second) : IServiceProvider
    {
        public object? GetService(Type serviceType) => first.GetService(serviceType) ?? second.GetService(serviceType);
    }

    /// <summary>A web host builder that only collects service registrations.</summary>
    private sealed class ServicesOnly(IServiceCollection services) : IWebHostBuilder
    {
        private readonly WebHostBuilderContext _context = new() { Configuration = new ConfigurationBuilder().Build() };

#pragma warning disable ASPDEPR008 // The interface requires it; this builder never builds.
        public IWebHost Build() => throw new NotSupportedException();
#pragma warning restore ASPDEPR008

        public IWebHostBuilder ConfigureAppConfiguration(Action<WebHostBuilderContext, IConfigurationBuilder> configureDelegate) => this;

        public IWebHostBuilder ConfigureServices(Action<IServiceCollection> configureServices)
        {
            configureServices(services);
            return this;
        }

        public IWebHostBuilder ConfigureServices(Action<WebHostBuilderContext, IServiceCollection> configureServices)
        {
            configureServices(_context, services);
            return this;
        }

        public string? GetSetting(string key) => null;

        public IWebHostBuilder UseSetting(string key, string? value) => this;
    }
}
