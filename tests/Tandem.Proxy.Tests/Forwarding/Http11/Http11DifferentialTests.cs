using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// Each corpus response is served byte for byte from a loopback socket to a <see cref="SocketsHttpHandler"/> client
/// (the body read fully), and read by our parsers (<see cref="Http11Reader"/>). Where both accept, status, fields and
/// body agree; where SocketsHttpHandler refuses, we refuse too; where only we refuse, the corpus marks it an intended
/// difference with its reason, and the test holds exactly that. Every socket step is bounded by a 5 s timeout.
/// </summary>
public sealed class Http11DifferentialTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var entry in Http11Corpus.Cases)
        {
            names.Add(entry.Name);
        }
        return names;
    }

    [Fact]
    public void Corpus_HasAtLeastFortyResponses() => Assert.True(Http11Corpus.Cases.Count >= 40);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Read_CorpusResponse_AgreesWithSocketsHttpHandler(string name)
    {
        var entry = Http11Corpus.Cases.Single(c => c.Name == name);
        var raw = entry.Bytes;

        var theirs = await FetchAsync(raw);
        var ours = Http11Reader.Read(raw);

        Assert.True(entry.Valid == ours.Accepted, $"ours: {(ours.Accepted ? "accepted" : "refused: " + ours.Error)}");
        if (entry.Difference is not null)
        {
            Assert.True(theirs.Accepted, $"marked as an intended difference, but SocketsHttpHandler refused too: {theirs.Error}");
            Assert.False(ours.Accepted);
            return;
        }
        if (!theirs.Accepted)
        {
            Assert.False(ours.Accepted, $"SocketsHttpHandler refused ({theirs.Error}) what we accepted");
            return;
        }
        Assert.True(ours.Accepted, $"we refused ({ours.Error}) what SocketsHttpHandler accepted, and it is not marked as intended");
        Assert.Equal(theirs.Status, ours.Status);
        Assert.Equal(Normalize(theirs.Fields), Normalize(ours.Fields));
        Assert.Equal(theirs.Body, ours.Body);
    }

    /// <summary>
    /// Fields as "name: value" lines, names lower-cased and grouped (SocketsHttpHandler keeps order only within a name),
    /// values split at commas (it splits list-valued fields such as Connection) and Content-Length as its number (it
    /// stores the parsed value).
    /// </summary>
    private static string Normalize(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var lines = new List<(string Name, int Index, string Value)>();
        foreach (var (name, value) in fields)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "content-length")
            {
                lines.Add((lower, lines.Count, long.Parse(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                lines.Add((lower, lines.Count, part));
            }
        }
        var text = new StringBuilder();
        foreach (var line in lines.OrderBy(l => l.Name, StringComparer.Ordinal).ThenBy(l => l.Index))
        {
            text.Append(line.Name).Append(": ").Append(line.Value).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>One GET with SocketsHttpHandler to a listener that answers with <paramref name="raw"/> and then closes.</summary>
    private static async Task<Http11Outcome> FetchAsync(byte[] raw)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var limit = new CancellationTokenSource(Timeout);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = ServeAsync(listener, raw, limit.Token);
        Http11Outcome outcome;
        using (var handler = new SocketsHttpHandler { ConnectTimeout = Timeout, AllowAutoRedirect = false })
        using (var client = new HttpClient(handler) { Timeout = Timeout })
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"), limit.Token);
                var body = await response.Content.ReadAsByteArrayAsync(limit.Token);
                var fields = new List<KeyValuePair<string, string>>();
                foreach (var header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
                {
                    foreach (var value in header.Value)
                    {
                        fields.Add(new(header.Key, value));
                    }
                }
                outcome = new(true, (int)response.StatusCode, fields, body, null);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                outcome = Http11Outcome.Rejected(ex.Message);
            }
        }
        await serve.WaitAsync(Timeout);
        return outcome;
    }

    /// <summary>Reads the request head, sends <paramref name="raw"/>, closes its side, and waits (bounded) for the client to close.</summary>
    private static async Task ServeAsync(TcpListener listener, byte[] raw, CancellationToken cancellationToken)
    {
        using var socket = await listener.AcceptSocketAsync(cancellationToken);
        var buffer = new byte[4096];
        var request = new List<byte>();
        try
        {
            for (var reads = 0; reads < 64 && !EndsHead(request); reads++)
            {
                var read = await socket.ReceiveAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }
                request.AddRange(buffer.AsSpan(0, read));
            }
            await socket.SendAsync(raw, cancellationToken);
            socket.Shutdown(SocketShutdown.Send);
            // Drain until the client closes, so unread request bytes never turn the close into a reset.
            for (var reads = 0; reads < 64; reads++)
            {
                if (await socket.ReceiveAsync(buffer, cancellationToken) == 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The client gave up on a response it refused: nothing left to serve.
        }
    }

    private static bool EndsHead(List<byte> request) =>
        request.Count >= 4 && request[^4] == '\r' && request[^3] == '\n' && request[^2] == '\r' && request[^1] == '\n';
}
