using System.Text;
using Tandem.Proxy.Forwarding.Http11;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

public sealed class ResponseHeaderValuesTests
{
    private static int Known(string name)
    {
        ResponseHeaderNames.Get(Encoding.ASCII.GetBytes(name), out var index);
        return index;
    }

    [Fact]
    public void Get_SameBytesAgain_SameString()
    {
        var values = new ResponseHeaderValues();
        var date = Known("date");

        var first = values.Get(date, "Sun, 06 Dec 2026 20:10:49 GMT"u8);
        var second = values.Get(date, "Sun, 06 Dec 2026 20:10:49 GMT"u8);

        Assert.Equal("Sun, 06 Dec 2026 20:10:49 GMT", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Get_ChangedBytes_NewValue()
    {
        var values = new ResponseHeaderValues();
        var date = Known("Date");
        values.Get(date, "Sun, 06 Dec 2026 20:10:49 GMT"u8);

        Assert.Equal("Sun, 06 Dec 2026 20:10:50 GMT", values.Get(date, "Sun, 06 Dec 2026 20:10:50 GMT"u8));
        Assert.Equal("Sun, 06 Dec 2026 20:10:5", values.Get(date, "Sun, 06 Dec 2026 20:10:5"u8));
    }

    [Fact]
    public void Get_Latin1AndUnknownNames_DecodedAsLatin1EveryTime()
    {
        var values = new ResponseHeaderValues();
        var server = Known("Server");
        byte[] latin1 = [(byte)'n', 0xE9, (byte)'o'];

        Assert.Equal("néo", values.Get(server, latin1));
        Assert.Equal("néo", values.Get(server, latin1));
        Assert.Equal("néo", values.Get(-1, latin1));
        Assert.Equal(-1, Known("X-Custom"));
    }

    [Fact]
    public void Get_UnchangedValues_AllocatesNothing()
    {
        var values = new ResponseHeaderValues();
        var server = Known("Server");
        var type = Known("Content-Type");
        var date = Known("Date");
        values.Get(server, "nginx/1.22.1"u8);
        values.Get(type, "text/plain"u8);
        values.Get(date, "Sun, 06 Dec 2026 20:10:49 GMT"u8);

        var allocated = AllocationMeter.BytesAllocated(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                values.Get(server, "nginx/1.22.1"u8);
                values.Get(type, "text/plain"u8);
                values.Get(date, "Sun, 06 Dec 2026 20:10:49 GMT"u8);
            }
        });

        Assert.Equal(0, allocated);
    }
}
