using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>forward-auth against a real Kestrel auth service on 127.0.0.1.</summary>
public sealed class ForwardAuthPolicyTests : IAsyncLifetime
{
    private WebApplication _auth = null!;
    private TestBackend _backend = null!;
    private ProxyHarness _proxy = null!;
    private int _asked;
    private string? _lastUri;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _auth = builder.Build();
        _auth.MapGet("/check", (HttpContext context) =>
        {
            Interlocked.Increment(ref _asked);
            _lastUri = context.Request.Headers["X-Forwarded-Uri"];
            if (context.Request.Headers.Authorization == "Bearer good")
            {
                context.Response.Headers["X-User"] = "alice";
                return Results.Ok();
            }
            return context.Request.Headers.Authorization == "Bearer banned" ? Results.StatusCode(403) : Results.Unauthorized();
        });
        await _auth.StartAsync();
        var url = _auth.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/check";
        _backend = await TestBackend.StartAsync("a");
        _proxy = await PolicyProxy.StartAsync(_backend, "policy: sso", $"""
            policies:
              - name: sso
                forward-auth: {"{"} url: "{url}", copy-headers: [X-User], cache: 1m {"}"}
            """);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
        await _auth.DisposeAsync();
    }

    [Fact]
    public async Task ForwardAuth_Allowed_ServedWithCopiedHeaderAndAnswerCached()
    {
        using var first = await SendAsync("/headers?x=1", "Bearer good", spoofedUser: "mallory");
        using var second = await SendAsync("/headers?x=1", "Bearer good", spoofedUser: "mallory");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(await second.Content.ReadAsStringAsync())!;
        Assert.Equal("alice", headers["X-User"]);
        Assert.Equal(1, Volatile.Read(ref _asked));
        Assert.Equal("/headers?x=1", _lastUri);
    }

    [Fact]
    public async Task ForwardAuth_Unauthorized_401PassedOn()
    {
        using var response = await SendAsync("/", "Bearer bad");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _backend.Requests);
        Assert.Equal("forward-auth", (await _proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ForwardAuth_Forbidden_403()
    {
        using var response = await SendAsync("/", "Bearer banned");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ForwardAuth_ServiceDown_403()
    {
        await _auth.StopAsync();

        using var response = await SendAsync("/", "Bearer good-but-new");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forward-auth-error", (await _proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    private Task<HttpResponseMessage> SendAsync(string path, string authorization, string? spoofedUser = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (spoofedUser is not null)
        {
            request.Headers.Add("X-User", spoofedUser);
        }
        return _proxy.Client.SendAsync(request);
    }
}
