using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tandem.Pair.Transport;

/// <summary>A message to the peer that did not get a valid answer; <see cref="Result"/> is the metrics label.</summary>
internal sealed class PairSendException(string result, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Result { get; } = result;
}

/// <summary>
/// Sends signed requests to the peer's pair channel and checks the signature of each answer.
/// Concurrency: thread-safe (one pooled <see cref="HttpClient"/>).
/// </summary>
internal sealed class PairClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly PairSigner _signer;
    private readonly Uri _base;

    /// <param name="peer">The peer's pair channel, <c>host:port</c>.</param>
    /// <param name="signer">Signs requests and checks answers.</param>
    /// <param name="timeout">The longest one exchange may take (connect included).</param>
    public PairClient(string peer, PairSigner signer, TimeSpan timeout)
    {
        _signer = signer;
        _base = new Uri("http://" + peer);
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
        })
        {
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
        };
    }

    /// <summary>Posts <paramref name="message"/> to <paramref name="path"/> and returns the peer's verified answer.</summary>
    /// <exception cref="PairSendException">No answer, a refusal, or an answer with a bad signature.</exception>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(string path, TRequest message, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, requestType);
        var (stamp, mac) = _signer.Sign(path, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(PairSigner.NodeHeader, _signer.Node);
        request.Headers.Add(PairSigner.TimeHeader, stamp);
        request.Headers.Add(PairSigner.MacHeader, mac);
        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
            answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            // A connection reset right after connect can escape SocketsHttpHandler as a bare SocketException.
            // Stopping: the caller's loop ends on the cancellation, not on a send failure.
            cancellationToken.ThrowIfCancellationRequested();
            throw new PairSendException("failed", ex is TaskCanceledException ? "timed out" : ex.Message, ex);
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300)));
                throw new PairSendException("refused", $"peer answered {(int)response.StatusCode}: {text}");
            }
            var check = _signer.Verify(Header(response, PairSigner.NodeHeader), Header(response, PairSigner.TimeHeader),
                Header(response, PairSigner.MacHeader), "answer:" + path, answer, rememberMac: false);
            if (check != SignatureCheck.Valid)
            {
                throw new PairSendException("bad-answer", "peer's answer refused: " + PairSigner.Describe(check));
            }
            try
            {
                return JsonSerializer.Deserialize(answer, responseType) ?? throw new PairSendException("bad-answer", "peer answered null");
            }
            catch (JsonException ex)
            {
                throw new PairSendException("bad-answer", "peer's answer is not valid JSON: " + ex.Message, ex);
            }
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
