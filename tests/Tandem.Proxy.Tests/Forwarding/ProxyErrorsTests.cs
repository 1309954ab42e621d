using Tandem.Core.Requests;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Tandem.Proxy.Forwarding;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Tests.Forwarding;

public sealed class ProxyErrorsTests
{
    public static TheoryData<ForwarderError, Exception?, string, string> Cases() => new()
    {
        // What SocketsHttpHandler threw for a UTF-8 header value: the request could not be written, the server did nothing.
        { ForwarderError.Request, new HttpRequestException("Request headers must contain only ASCII characters."), nameof(RequestError.BadRequest), nameof(Fault.Client) },
        { ForwarderError.Request, new HttpRequestException("An error occurred while sending the request.", new ArgumentException("bad value")), nameof(RequestError.BadRequest), nameof(Fault.Client) },
        { ForwarderError.Request, new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), nameof(RequestError.ConnectFailed), nameof(Fault.Server) },
        { ForwarderError.Request, new HttpRequestException("reset", new IOException("Connection reset by peer")), nameof(RequestError.ServerFailed), nameof(Fault.Server) },
        { ForwarderError.Request, new HttpRequestException(HttpRequestError.ResponseEnded, "ended"), nameof(RequestError.ServerFailed), nameof(Fault.Server) },
        { ForwarderError.Request, new TimeoutException("no response headers"), nameof(RequestError.TimedOut), nameof(Fault.Server) },
        { ForwarderError.RequestCreation, new UriFormatException("bad"), nameof(RequestError.BadRequest), nameof(Fault.Client) },
        { ForwarderError.RequestCreation, new InvalidCastException(), nameof(RequestError.ProxyFailed), nameof(Fault.Tandem) },
        { ForwarderError.RequestBodyClient, new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge), nameof(RequestError.BodyTooLarge), nameof(Fault.Client) },
        { ForwarderError.RequestBodyClient, new BadHttpRequestException("bad chunk"), nameof(RequestError.BadRequest), nameof(Fault.Client) },
        { ForwarderError.RequestBodyClient, new IOException("client reset"), nameof(RequestError.ClientAborted), nameof(Fault.Client) },
        { ForwarderError.RequestCanceled, null, nameof(RequestError.ClientAborted), nameof(Fault.Client) },
        { ForwarderError.ResponseBodyClient, new IOException("client gone"), nameof(RequestError.ClientAborted), nameof(Fault.Client) },
        { ForwarderError.ResponseBodyDestination, new IOException("server cut"), nameof(RequestError.ServerFailed), nameof(Fault.Server) },
        { ForwarderError.UpgradeActivityTimeout, null, nameof(RequestError.IdleClosed), nameof(Fault.None) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_EachFailure_BlamesTheRightParty(ForwarderError error, Exception? exception, string kind, string fault)
    {
        var classified = ProxyErrors.Classify(error, exception);
        Assert.Equal(kind, classified.ToString());
        Assert.Equal(fault, ProxyErrors.FaultOf(classified).ToString());
    }

    [Theory]
    [InlineData(nameof(RequestError.BadRequest), 400)]
    [InlineData(nameof(RequestError.BodyTooLarge), 413)]
    [InlineData(nameof(RequestError.ClientAborted), 499)]
    [InlineData(nameof(RequestError.ProxyFailed), 500)]
    [InlineData(nameof(RequestError.ServerFailed), 502)]
    [InlineData(nameof(RequestError.TimedOut), 504)]
    public void StatusFor_ClientFaults_NeverA5xx(string kind, int status) => Assert.Equal(status, ProxyErrors.StatusFor(Enum.Parse<RequestError>(kind)));
}
