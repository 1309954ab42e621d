using System.Net;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class PoliciesEndpointTests
{
    [Fact]
    public async Task GetPolicies_NoPolicies_DefaultAllowAndAnEmptyList()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.GetJsonAsync("/api/policies");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("allow", body.GetProperty("defaultPolicy").GetString());
        Assert.Equal(0, body.GetProperty("policies").GetArrayLength());
        Assert.Equal(0, body.GetProperty("rateLimitKeys").GetInt64());
    }
}
