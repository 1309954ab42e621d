using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tandem.Core.Config;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>The PEM files of an issued certificate: the chain (leaf first) and its new private key.</summary>
internal sealed record AcmeIssued(string ChainPem, string KeyPem);

/// <summary>
/// One order from start to certificate (RFC 8555 section 7.4): newOrder, each authorization's challenge answered
/// (published in the <see cref="AcmeChallengeStore"/> while the server validates it, then withdrawn), finalize with a
/// CSR for a new P-256 key, and the chain downloaded. Every wait is a poll of at most <see cref="MaxPolls"/> rounds
/// <see cref="PollInterval"/> apart.
/// </summary>
internal sealed class AcmeOrderer(AcmeClient client, AcmeChallengeStore challenges, TimeProvider time)
{
    public const int MaxPolls = 60;

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async Task<AcmeIssued> OrderAsync(IReadOnlyList<string> domains, AcmeChallenge challenge, string? email, CancellationToken cancellationToken)
    {
        // Each order registers or finds the account again (one request): an account the server no longer knows
        // (a CA that was reset, a deactivated account) is replaced instead of failing every order after it.
        await client.AccountAsync(email, onlyReturnExisting: false, cancellationToken);
        var order = await client.NewOrderAsync(domains, cancellationToken);
        foreach (var url in order.Authorizations)
        {
            await AuthorizeAsync(url, challenge, cancellationToken);
        }
        order = await PollOrderAsync(order, o => o.Status != "pending", "ready", cancellationToken);
        if (order.Status != "ready" && order.Status != "valid")
        {
            throw Failed($"the order is {order.Status}", order.Error);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (order.Status == "ready")
        {
            order = await client.FinalizeAsync(order, Csr(domains, key), cancellationToken);
        }
        order = await PollOrderAsync(order, o => o.Status is not ("processing" or "ready"), "valid", cancellationToken);
        if (order.Status != "valid" || order.Certificate is null)
        {
            throw Failed($"the order is {order.Status} after finalize", order.Error);
        }
        var chain = await client.DownloadAsync(order.Certificate, cancellationToken);
        return new AcmeIssued(chain, key.ExportPkcs8PrivateKeyPem());
    }

    private async Task AuthorizeAsync(Uri url, AcmeChallenge kind, CancellationToken cancellationToken)
    {
        var authorization = await client.AuthorizationAsync(url, cancellationToken);
        if (authorization.Status == "valid")
        {
            return; // the server reuses an earlier validation of this account
        }
        var type = kind == AcmeChallenge.TlsAlpn01 ? "tls-alpn-01" : "http-01";
        var challenge = authorization.Challenges.FirstOrDefault(c => c.Type == type)
            ?? throw Failed($"the server offers no {type} challenge for {authorization.Identifier}", null);
        var keyAuthorization = client.Key.KeyAuthorization(challenge.Token);
        var domain = authorization.Identifier;
        Publish(kind, domain, challenge.Token, keyAuthorization);
        try
        {
            await client.RespondAsync(challenge.Url, cancellationToken);
            for (var poll = 0; poll < MaxPolls; poll++)
            {
                await Task.Delay(PollInterval, time, cancellationToken);
                authorization = await client.AuthorizationAsync(url, cancellationToken);
                if (authorization.Status == "valid")
                {
                    return;
                }
                if (authorization.Status != "pending")
                {
                    throw Failed($"{type} validation of {domain} is {authorization.Status}", authorization.Error);
                }
            }
            throw Failed($"{type} validation of {domain} still pending after {MaxPolls} polls", null);
        }
        finally
        {
            Withdraw(kind, domain, challenge.Token);
        }
    }

    private void Publish(AcmeChallenge kind, string domain, string token, string keyAuthorization)
    {
        if (kind == AcmeChallenge.TlsAlpn01)
        {
            challenges.AddAlpn(domain, keyAuthorization, time);
        }
        else
        {
            challenges.AddHttp(token, keyAuthorization);
        }
    }

    private void Withdraw(AcmeChallenge kind, string domain, string token)
    {
        if (kind == AcmeChallenge.TlsAlpn01)
        {
            challenges.RemoveAlpn(domain);
        }
        else
        {
            challenges.RemoveHttp(token);
        }
    }

    private async Task<AcmeOrder> PollOrderAsync(AcmeOrder order, Func<AcmeOrder, bool> done, string waitingFor, CancellationToken cancellationToken)
    {
        for (var poll = 0; !done(order); poll++)
        {
            if (poll >= MaxPolls)
            {
                throw Failed($"the order is still {order.Status} after {MaxPolls} polls (waiting for {waitingFor})", null);
            }
            await Task.Delay(PollInterval, time, cancellationToken);
            order = await client.OrderAsync(order.Url, cancellationToken);
        }
        return order;
    }

    /// <summary>A PKCS#10 request for <paramref name="domains"/>, the first as the subject's CN (section 7.4).</summary>
    public static byte[] Csr(IReadOnlyList<string> domains, ECDsa key)
    {
        var request = new CertificateRequest("CN=" + domains[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var domain in domains)
        {
            san.AddDnsName(domain);
        }
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }

    private static AcmeProblemException Failed(string what, string? error) =>
        new(AcmeProblemException.Protocol, error is null ? what : $"{what}: {error}");
}
