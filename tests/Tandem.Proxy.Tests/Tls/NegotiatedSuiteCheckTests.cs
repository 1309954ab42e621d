using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Proxy.Tls;

namespace Tandem.Proxy.Tests.Tls;

public sealed class NegotiatedSuiteCheckTests
{
    private sealed class Handshake(SslProtocols protocol, TlsCipherSuite suite) : ITlsHandshakeFeature
    {
        public SslProtocols Protocol => protocol;

        public TlsCipherSuite? NegotiatedCipherSuite => suite;

#pragma warning disable SYSLIB0058 // The interface still has them.
        public CipherAlgorithmType CipherAlgorithm => CipherAlgorithmType.None;

        public int CipherStrength => 0;

        public HashAlgorithmType HashAlgorithm => HashAlgorithmType.None;

        public int HashStrength => 0;

        public ExchangeAlgorithmType KeyExchangeAlgorithm => ExchangeAlgorithmType.None;

        public int KeyExchangeStrength => 0;
#pragma warning restore SYSLIB0058
    }

    [Theory]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, true)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false)]
    [InlineData(SslProtocols.Tls12, TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, false)]
    [InlineData(SslProtocols.Tls13, TlsCipherSuite.TLS_AES_256_GCM_SHA384, true)]
    public async Task Connection_Tls12OutsideTheList_ClosedBeforeTheNextStage(SslProtocols protocol, TlsCipherSuite suite, bool served)
    {
        var connection = new DefaultConnectionContext("c1");
        connection.Features.Set<ITlsHandshakeFeature>(new Handshake(protocol, suite));
        var reached = false;

        await NegotiatedSuiteCheck.Create(NullLogger.Instance)(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        })(connection);

        Assert.Equal(served, reached);
        if (served)
        {
            Assert.False(connection.ConnectionClosed.IsCancellationRequested);
        }
        else
        {
            // DefaultConnectionContext signals the abort from the thread pool.
            var closed = new TaskCompletionSource();
            using var registration = connection.ConnectionClosed.Register(() => closed.TrySetResult());
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Connection_WithoutTls_PassesThrough()
    {
        var connection = new DefaultConnectionContext("c2");
        var reached = false;

        await NegotiatedSuiteCheck.Create(NullLogger.Instance)(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        })(connection);

        Assert.True(reached);
    }
}
