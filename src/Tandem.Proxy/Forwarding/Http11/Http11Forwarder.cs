using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Pools;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// The lean upstream path: forwards a plain HTTP/1.1 exchange over a pooled connection without YARP's
/// <see cref="HttpRequestMessage"/> round trip. The request head is written straight from Kestrel's request
/// (<see cref="RequestHeadWriter"/>) and sent with a small body in one call; the response head is parsed strictly
/// (<see cref="ResponseHeadParser"/>: anything that smells of smuggling is a 502, never passed on) straight into Kestrel's
/// response, and the body copied through as it arrives. It reports outcomes exactly as YARP's forwarder does (a
/// <see cref="ForwarderError"/> and an exception the classifier reads), so retries, health and logs do not care which
/// path carried a request. Requests it does not take (<see cref="Accepts"/>: upgrades, <c>Expect</c>, a body of unknown
/// length, <c>OPTIONS *</c>) go through YARP. Stateless; shared by all requests.
/// </summary>
internal static class Http11Forwarder
{
    /// <summary>A body up to this size is read before the head is sent, and sent with it in one call.</summary>
    private const int SmallBody = 4 * 1024;

    /// <summary>More interim (1xx) responses than this before the final one: the server is not making progress.</summary>
    private const int MaxInterimResponses = 8;

    /// <summary>Whether this path can carry the request (otherwise YARP's forwarder does).</summary>
    public static bool Accepts(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsConnect(request.Method) || AsteriskForm.Is(request))
        {
            return false;
        }
        var headers = request.Headers;
        if (headers.ContainsKey("Upgrade") || headers.ContainsKey("Expect"))
        {
            return false;
        }
        // A body of known length, or none: a chunked or HTTP/2 body of unknown length goes through YARP.
        return request.ContentLength is not null || context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true };
    }

    /// <summary>
    /// One attempt on <paramref name="server"/>. <paramref name="responseTimeout"/> bounds the wait for the response head,
    /// <paramref name="idleTimeout"/> every silence of the server after it.
    /// </summary>
    /// <remarks>
    /// The exchange and the wait for the response head are written into this one method, not awaited as methods of their
    /// own: every async method that waits for the server is a state machine box on the heap per request (a pooled builder
    /// does not help here: its cache holds one box per thread and core, and a thread finishes dozens of requests before it
    /// starts the next dozen). The steps that usually finish at once (sending, the body) stay methods of their own.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<(ForwarderError Error, Exception? Exception)> SendAsync(HttpContext context, ServerState server, UpstreamConnectionPool pool,
        Http11Upstream upstream, ForwardedValues forwarded, TimeSpan responseTimeout, TimeSpan idleTimeout)
    {
        var time = upstream.Time;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var connection = pool.TryRent(time.GetTimestamp(), upstream.Settings.KeepAliveTimeout, time);
            if (connection is not null && context.Request.ContentLength > 0 && connection.LooksClosed())
            {
                // A body cannot be sent twice: only a connection the server has not closed may carry it.
                connection.Dispose();
                continue;
            }
            if (connection is null)
            {
                try
                {
                    connection = await UpstreamConnection.ConnectAsync(pool.Address, upstream.Settings.ConnectTimeout, time, context.RequestAborted);
                }
                catch (TimeoutException e)
                {
                    return (ForwarderError.Request, e);
                }
                catch (SocketException e)
                {
                    return (ForwarderError.Request, new HttpRequestException(HttpRequestError.ConnectionError, e.Message, e));
                }
                catch (OperationCanceledException e)
                {
                    return (ForwarderError.RequestCanceled, e);
                }
            }
            connection.BeginExchange(responseTimeout, idleTimeout);

            // One request and response on this connection.
            (ForwarderError Error, Exception? Exception) outcome;
            var registration = context.RequestAborted.UnsafeRegister(static s => ((UpstreamConnection)s!).Abort(ConnectionAbort.ClientLeft), connection);
            try
            {
                outcome = await SendRequestAsync(context, connection, server, forwarded);
                if (outcome.Error == ForwarderError.None)
                {
                    // The response head: interim (1xx) ones are skipped; more bytes are read until a final one is whole.
                    var interim = 0;
                    var received = false;
                    while (!ParseHead(connection, ref interim, out outcome))
                    {
                        int n;
                        try
                        {
                            n = connection.Received(await connection.ReceiveAsync(ResponseHeadParser.MaxHeadBytes));
                        }
                        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
                        {
                            if (!received && connection.Reused && connection.AbortReason == ConnectionAbort.None && context.Request.ContentLength is null or 0)
                            {
                                connection.TryAgain = true;
                            }
                            outcome = Failed(connection, ForwarderError.Request, e, "reading the response failed");
                            break;
                        }
                        if (n <= 0)
                        {
                            outcome = HeadEnded(context, connection, n, received);
                            break;
                        }
                        received = true;
                    }
                }
                if (outcome.Error == ForwarderError.None)
                {
                    CopyHead(context, connection);
                    outcome = await CopyBodyAsync(context, connection);
                    if (outcome.Error != ForwarderError.None)
                    {
                        if (context.Response.HasStarted)
                        {
                            // Part of the answer went out: the client must see it cut, not a complete-looking response.
                            context.Abort();
                        }
                        else
                        {
                            context.Response.Clear();
                        }
                    }
                }
            }
            finally
            {
                connection.Disarm();
                registration.Dispose();
            }

            if (outcome.Error == ForwarderError.None && connection.Reusable && connection.AbortReason == ConnectionAbort.None && !upstream.IsDisposed)
            {
                pool.Return(connection, time.GetTimestamp());
            }
            else
            {
                connection.Dispose();
            }
            if (!connection.TryAgain)
            {
                return outcome;
            }
        }
        return (ForwarderError.Request, new IOException("the server closed every kept-alive connection before answering"));
    }

    /// <summary>
    /// Parses the response head from what the connection holds: true with <paramref name="outcome"/> set when a final head
    /// is whole (no error) or the head is refused; false when more bytes are needed.
    /// </summary>
    private static bool ParseHead(UpstreamConnection connection, ref int interim, out (ForwarderError Error, Exception? Exception) outcome)
    {
        var head = connection.Head;
        while (true)
        {
            head.Reset();
            var status = ResponseHeadParser.Parse(connection.Buffer.AsSpan(connection.Start, connection.Buffered), head, out var consumed);
            if (status == HeadParseStatus.Incomplete)
            {
                outcome = default;
                return false;
            }
            if (status == HeadParseStatus.Invalid)
            {
                outcome = (ForwarderError.Request, new HttpRequestException(HttpRequestError.InvalidResponse, "invalid response: " + head.Error));
                return true;
            }
            connection.HeadStart = connection.Start;
            connection.Start += consumed;
            if (head.StatusCode >= 200)
            {
                outcome = default;
                return true;
            }
            if (head.StatusCode == StatusCodes.Status101SwitchingProtocols || ++interim > MaxInterimResponses)
            {
                // No upgrade was asked for on this path.
                outcome = (ForwarderError.Request, new HttpRequestException(HttpRequestError.InvalidResponse,
                    $"invalid response: unexpected {head.StatusCode} interim response"));
                return true;
            }
        }
    }

    /// <summary>The outcome when a read for the response head gave <paramref name="n"/> (0: the server closed; -1: the head is too large).</summary>
    private static (ForwarderError, Exception?) HeadEnded(HttpContext context, UpstreamConnection connection, int n, bool received)
    {
        if (n < 0)
        {
            return (ForwarderError.Request, new HttpRequestException(HttpRequestError.InvalidResponse, "invalid response: response head too large"));
        }
        if (!received && connection.Reused && context.Request.ContentLength is null or 0)
        {
            // The server closed a kept-alive connection as the request went out (RFC 9112 section 9.3.1):
            // nothing was processed, so a new connection may carry it.
            connection.TryAgain = true;
        }
        return (ForwarderError.Request, new HttpRequestException(HttpRequestError.ResponseEnded,
            "the server closed the connection before the response head was complete"));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(ForwarderError Error, Exception? Exception)> SendRequestAsync(HttpContext context, UpstreamConnection connection, ServerState server,
        ForwardedValues forwarded)
    {
        var length = RequestHeadWriter.Write(context, forwarded, server, connection);
        var bodyLength = context.Request.ContentLength ?? 0;
        var body = context.Request.Body;
        if (bodyLength > 0 && bodyLength <= SmallBody)
        {
            // Read the small body first, then send head and body in one call.
            var buffer = connection.WriteBuffer;
            if (buffer.Length < length + bodyLength)
            {
                buffer = connection.GrowWriteBuffer(length, length + (int)bodyLength);
            }
            var read = await ReadBodyAsync(context, body, buffer.AsMemory(length, (int)bodyLength));
            if (read.Error != ForwarderError.None)
            {
                return read;
            }
            length += (int)bodyLength;
            bodyLength = 0;
        }
        connection.Arm(connection.ResponseTimeout);
        try
        {
            await connection.SendAsync(connection.WriteBuffer.AsMemory(0, length));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            if (connection.Reused && connection.AbortReason == ConnectionAbort.None && context.Request.ContentLength is null or 0)
            {
                connection.TryAgain = true;
            }
            return Failed(connection, ForwarderError.Request, e, "sending the request failed");
        }
        if (bodyLength > 0)
        {
            return await StreamBodyAsync(context, connection, body, bodyLength);
        }
        return default;
    }

    /// <summary>Reads exactly <paramref name="into"/>'s length of the client's body.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(ForwarderError Error, Exception? Exception)> ReadBodyAsync(HttpContext context, Stream body, Memory<byte> into)
    {
        try
        {
            while (!into.IsEmpty)
            {
                var n = await body.ReadAsync(into, context.RequestAborted);
                if (n == 0)
                {
                    return (ForwarderError.RequestBodyClient, new IOException("the client's body ended before its Content-Length"));
                }
                into = into[n..];
            }
            return default;
        }
        catch (OperationCanceledException e)
        {
            return (ForwarderError.RequestBodyCanceled, e);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            return (ForwarderError.RequestBodyClient, e);
        }
    }

    /// <summary>Copies a larger body from the client to the server as it arrives.</summary>
    private static async ValueTask<(ForwarderError Error, Exception? Exception)> StreamBodyAsync(HttpContext context, UpstreamConnection connection, Stream body,
        long length)
    {
        var buffer = connection.WriteBuffer;
        while (length > 0)
        {
            var chunk = (int)Math.Min(length, buffer.Length);
            int n;
            try
            {
                n = await body.ReadAsync(buffer.AsMemory(0, chunk), context.RequestAborted);
            }
            catch (OperationCanceledException e)
            {
                return (ForwarderError.RequestBodyCanceled, e);
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                return (ForwarderError.RequestBodyClient, e);
            }
            if (n == 0)
            {
                return (ForwarderError.RequestBodyClient, new IOException("the client's body ended before its Content-Length"));
            }
            try
            {
                connection.Arm(connection.IdleTimeout);
                await connection.SendAsync(buffer.AsMemory(0, n));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                return Failed(connection, ForwarderError.RequestBodyDestination, e, "sending the request body failed");
            }
            length -= n;
        }
        connection.Arm(connection.ResponseTimeout);
        return default;
    }

    private static void CopyHead(HttpContext context, UpstreamConnection connection)
    {
        var head = connection.Head;
        var response = context.Response;
        response.StatusCode = head.StatusCode;
        var bytes = connection.Buffer;
        // The offsets count from where the head began; its bytes are still in the buffer.
        var origin = connection.HeadStart;
        var reason = bytes.AsSpan(origin + ResponseHead.ReasonStart, head.ReasonLength);
        if (!reason.IsEmpty && !Ascii.Equals(reason, ReasonPhrases.GetReasonPhrase(head.StatusCode)))
        {
            // The server's own reason phrase goes on, as YARP's forwarder passes it (Kestrel sends it over HTTP/1.x only).
            context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = Encoding.Latin1.GetString(reason);
        }
        var headers = response.Headers;
        var fields = head.Fields;
        var listed = head.ConnectionNamesFields ? ListedByConnection(bytes.AsSpan(origin), fields) : null;
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            var name = ResponseHeaderNames.Get(bytes.AsSpan(origin + field.NameStart, field.NameLength), out var known);
            if (RequestHeadWriter.HopByHop.Contains(name) || ReferenceEquals(name, "Content-Length")
                || (listed is not null && ConnectionOptions.Lists(listed, name)))
            {
                continue;
            }
            var value = connection.HeaderValues.Get(known, bytes.AsSpan(origin + field.ValueStart, field.ValueLength));
            headers[name] = headers.TryGetValue(name, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);
        }
        if (head.ContentLength >= 0 && !head.Chunked)
        {
            response.ContentLength = head.ContentLength;
        }
    }

    /// <summary>The fields the server's Connection fields name (RFC 9110 section 7.6.1); rare, so plain strings.</summary>
    private static string[]? ListedByConnection(ReadOnlySpan<byte> head, ReadOnlySpan<HeaderField> fields)
    {
        var values = StringValues.Empty;
        foreach (var field in fields)
        {
            if (Ascii.EqualsIgnoreCase(head.Slice(field.NameStart, field.NameLength), "Connection"u8))
            {
                values = StringValues.Concat(values, Encoding.Latin1.GetString(head.Slice(field.ValueStart, field.ValueLength)));
            }
        }
        return ConnectionOptions.Listed(values);
    }

    private static async ValueTask<(ForwarderError Error, Exception? Exception)> CopyBodyAsync(HttpContext context, UpstreamConnection connection)
    {
        var head = connection.Head;
        var status = head.StatusCode;
        if (HttpMethods.IsHead(context.Request.Method) || status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            // No body follows whatever the head says (RFC 9112 section 6.3); anything more is not a response to this.
            connection.Reusable = !head.ConnectionClose && connection.Buffered == 0;
            return default;
        }
        // Through the body stream: what the access log counts (ResponseBodyCounter); Kestrel sends the head with the first write.
        var body = context.Response.Body;
        if (head.Chunked)
        {
            connection.Chunks.Reset();
            while (true)
            {
                var chunk = connection.Chunks.Decode(connection.Buffer.AsSpan(connection.Start, connection.Buffered), out var consumed, out var dataStart,
                    out var dataLength);
                if (chunk == ChunkStatus.Data)
                {
                    var data = connection.Buffer.AsMemory(connection.Start + dataStart, dataLength);
                    connection.Start += consumed;
                    var written = await WriteToClientAsync(context, body, data);
                    if (written.Error != ForwarderError.None)
                    {
                        return written;
                    }
                    continue;
                }
                if (chunk == ChunkStatus.Done)
                {
                    connection.Start += consumed;
                    connection.Reusable = !head.ConnectionClose && connection.Buffered == 0;
                    return default;
                }
                if (chunk == ChunkStatus.Invalid)
                {
                    return BodyFailed(context, connection, new HttpRequestException(HttpRequestError.InvalidResponse, "invalid chunked body: " + connection.Chunks.Error));
                }
                connection.Start += consumed;
                var more = await ReceiveBodyAsync(context, connection);
                if (more.Error != ForwarderError.None)
                {
                    return (more.Error, more.Exception);
                }
                if (more.Received == 0)
                {
                    return BodyFailed(context, connection, new IOException("the server closed the connection inside a chunked body"));
                }
            }
        }
        var remaining = head.ContentLength;
        var untilClose = remaining < 0;
        while (true)
        {
            var take = untilClose ? connection.Buffered : (int)Math.Min(remaining, connection.Buffered);
            if (take > 0)
            {
                var data = connection.Buffer.AsMemory(connection.Start, take);
                connection.Start += take;
                remaining -= take;
                var written = await WriteToClientAsync(context, body, data);
                if (written.Error != ForwarderError.None)
                {
                    return written;
                }
            }
            if (!untilClose && remaining == 0)
            {
                connection.Reusable = !head.ConnectionClose && connection.Buffered == 0;
                return default;
            }
            var more = await ReceiveBodyAsync(context, connection);
            if (more.Error != ForwarderError.None)
            {
                return (more.Error, more.Exception);
            }
            if (more.Received == 0)
            {
                return untilClose ? default : BodyFailed(context, connection, new IOException($"the server closed the connection {remaining} bytes before the end of the body"));
            }
        }
    }

    /// <summary>Sends part of the body on to the client.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(ForwarderError Error, Exception? Exception)> WriteToClientAsync(HttpContext context, Stream body, ReadOnlyMemory<byte> data)
    {
        try
        {
            await body.WriteAsync(data, context.RequestAborted);
            return default;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException
            or InvalidOperationException or ObjectDisposedException)
        {
            return (ForwarderError.ResponseBodyClient, e);
        }
    }

    /// <summary>Reads more of the server's body.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(ForwarderError Error, Exception? Exception, int Received)> ReceiveBodyAsync(HttpContext context, UpstreamConnection connection)
    {
        connection.Arm(connection.IdleTimeout);
        try
        {
            var n = connection.Received(await connection.ReceiveAsync(int.MaxValue));
            return (ForwarderError.None, null, n);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            var (error, exception) = BodyFailed(context, connection, e);
            return (error, exception, 0);
        }
    }

    private static (ForwarderError, Exception?) BodyFailed(HttpContext context, UpstreamConnection connection, Exception e)
    {
        if (connection.AbortReason == ConnectionAbort.ClientLeft || context.RequestAborted.IsCancellationRequested)
        {
            return (ForwarderError.ResponseBodyClient, e);
        }
        var exception = connection.AbortReason == ConnectionAbort.TimedOut
            ? new TimeoutException($"the server sent nothing for {connection.IdleTimeout.TotalMilliseconds:0} ms inside the body", e)
            : e;
        return (ForwarderError.ResponseBodyDestination, exception);
    }

    /// <summary>A failure before the response: the client left, the server was too slow, or the transport failed.</summary>
    private static (ForwarderError, Exception?) Failed(UpstreamConnection connection, ForwarderError error, Exception e, string what) => connection.AbortReason switch
    {
        ConnectionAbort.ClientLeft => (ForwarderError.RequestCanceled, new OperationCanceledException("the client left", e)),
        ConnectionAbort.TimedOut => (ForwarderError.Request, new TimeoutException($"no response headers within {connection.ResponseTimeout.TotalMilliseconds:0} ms")),
        _ => (error, new IOException(what + ": " + e.Message, e)),
    };
}
