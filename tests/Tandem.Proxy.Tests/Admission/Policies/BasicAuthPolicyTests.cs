using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>basic-auth from an htpasswd file of bcrypt hashes.</summary>
public sealed class BasicAuthPolicyTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-htpasswd-").FullName;
    private TestBackend _backend = null!;
    private ProxyHarness _proxy = null!;

    private string HtpasswdPath => Path.Combine(_directory, "htpasswd");

    public async Task InitializeAsync()
    {
        // Cost 4: the lowest bcrypt allows, so the test spends its time on the proxy, not on hashing.
        await File.WriteAllTextAsync(HtpasswdPath, "# users\nalice:" + BCrypt.Net.BCrypt.HashPassword("wonderland", 4) + "\n");
        _backend = await TestBackend.StartAsync("a");
        _proxy = await PolicyProxy.StartAsync(_backend, "policy: staff", $"""
            policies:
              - name: staff
                basic-auth: {"{"} htpasswd: {HtpasswdPath}, realm: staff {"}"}
            """);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task BasicAuth_RightPassword_ServedTwice()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("alice", "wonderland"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("alice", "wonderland"));
        Assert.Equal(2, _backend.Requests);
    }

    [Theory]
    [InlineData("alice", "looking-glass")]
    [InlineData("bob", "wonderland")]
    public async Task BasicAuth_WrongUserOrPassword_401WithChallenge(string user, string password)
    {
        using var response = await SendAsync(user, password);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Basic realm=\"staff\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task BasicAuth_NoCredentials_401()
    {
        using var response = await _proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("basic-missing", (await _proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task BasicAuth_GarbageHeader_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic %%%not-base64");

        using var response = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpStatusCode> StatusAsync(string user, string password)
    {
        using var response = await SendAsync(user, password);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> SendAsync(string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        return _proxy.Client.SendAsync(request);
    }
}
