using System.CommandLine;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Demo;
using Tandem.Hosting;

namespace Tandem.Commands;

/// <summary><c>tandem demo</c>: two sample backends behind the balancer, with the dashboard, until Ctrl-C.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The balancer's port on 127.0.0.1.", DefaultValueFactory = _ => 8080 };
        var adminPort = new Option<int>("--admin-port") { Description = "The dashboard and API port on 127.0.0.1.", DefaultValueFactory = _ => 9090 };
        var command = new Command("demo", "Start two sample backends and a balancer in front of them, with the dashboard; runs until Ctrl-C.") { port, adminPort };
        command.Validators.Add(result =>
        {
            foreach (var option in new[] { port, adminPort })
            {
                if (result.GetValue(option) is < 0 or > 65535)
                {
                    result.AddError($"{option.Name} must be 0..65535");
                }
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var a = await SampleBackend.StartAsync("a", cancellationToken);
            await using var b = await SampleBackend.StartAsync("b", cancellationToken);
            var config = Config(parse.GetValue(port), parse.GetValue(adminPort), a, b);
            return await NodeRunner.RunAsync(config, configPath: null, new NodeOptions(), node => PrintWelcome(node, a, b), cancellationToken);
        });
        return command;
    }

    internal static TandemConfig Config(int port, int adminPort, SampleBackend a, SampleBackend b) => new()
    {
        Source = "(demo)",
        Version = "demo",
        Admin = new AdminConfig { Bind = new HostPort("127.0.0.1", adminPort) },
        Listeners = [new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", port), Pool = "demo" }],
        Pools =
        [
            new PoolConfig
            {
                Name = "demo",
                Algorithm = BalancingAlgorithms.RoundRobin,
                Servers =
                [
                    new ServerConfig { Name = a.Name, Address = new HostPort("127.0.0.1", a.EndPoint.Port) },
                    new ServerConfig { Name = b.Name, Address = new HostPort("127.0.0.1", b.EndPoint.Port) },
                ],
            },
        ],
    };

    private static void PrintWelcome(TandemNode node, SampleBackend a, SampleBackend b)
    {
        var proxy = node.Runtime.Listeners[0].Bound;
        var admin = node.AdminEndPoint;
        Console.Out.WriteLine($$"""

            Tandem demo is running.
              Balancer   http://{{proxy}}/   round-robin over backend a ({{a.EndPoint}}) and backend b ({{b.EndPoint}})
              Dashboard  http://{{admin}}/

            Try:
              for i in 1 2 3 4; do curl -s http://{{proxy}}/; done
              curl -s http://{{admin}}/api/pools
              curl -s -X POST http://{{admin}}/api/pools/demo/servers/a -d '{"state":"draining"}'
              curl -s http://{{admin}}/metrics | grep tandem_requests_total

            Press Ctrl-C to stop.

            """);
    }
}
