namespace Tandem.Core.Tests.Config;

/// <summary>
/// One file with mistakes in every section, and every problem it gets, in order. The expected text is what the
/// binder printed before it was split into a binder per section (issue 15), so a later reshaping of the binders has
/// one place that shows whether any message, path, position or order moved.
/// </summary>
public class EverySectionProblemsTests
{
    [Fact]
    public void Parse_MistakesInEverySection_ReportsEachOnceInDocumentOrder()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: nope
                protocl: http
                policy: [office, missing]
                max-body: 1B
                tls: { certificates: [{ cert: /nonexistent.pem, key: /nonexistent.key }], min-version: "1.1" }
                routes:
                  - name: api
                    match: { host: "bad host", path: api, methods: ["GE T"], headers: { X-Env: { regx: a } } }
                    pool: app
                    redirect: { to: "/x" }
                    rewrite: { strip-prefix: /api, path-regex: "(" }
                    timeouts: { connect: 1s }
                    compression: { types: [json], level: max }
                    cache: { heuristic: 200%, stale-if-eror: 1s }
                    errors: { 200: /x.html }
                  - name: api
                    split: [{ pool: app }, { pool: beta, weight: 0 }]
                    split-key: nope
                  - name: r3
                    respond: { status: 99, body: a, body-file: /x }
              - name: db
                bind: 127.0.0.1:18080
                protocol: udp
                pool: beta
                max-connections: 5
                splice: on
                trusted-proxies: [10.0.0.0/8]
              - name: tp
                bind: 127.0.0.1:18443
                protocol: tls-passthrough
                routes: [{ match: { sni: "-bad-" }, pool: app }, { pool: app }, { pool: beta }]
                accept-proxy: [nope]
            admin:
              bind: 127.0.0.1:18080
              token-file: /nonexistent-token
              tokn: x
            pools:
              - name: app
                algorithm: ip-hash
                slow-start: 10s
                agent: { path: x }
                servers:
                  - { address: 127.0.0.1:9001, weight: 0, backup: true, resolve: sometimes }
                  - { address: "backend.invalid:80", name: "bad name" }
                health: { path: health, type: tcp, send: "\\xZZ", expect-status: 700, intervall: 1s }
                passive: { consecutive-failures: -1, count-5xx: maybe }
                timeouts: { connect: 1sec }
                queue: { size: 2000000 }
                sticky: { mode: table, cookie: srv, size: 0 }
                hash-key: header:bad header
                capacity: -5
                scale-ahead: { lead: 48h, threshold: 5, actions: [nap, { webhook: "ftp://x", command: y }] }
                tls: { verify: maybe, sni: "bad sni", ca: /nonexistent-ca.pem }
                send-proxy: v3
              - name: app
                servers: []
            drain-timeout: 0s
            pair:
              node: "bad node!"
              bind: 127.0.0.1:17000
              peer: 127.0.0.1:17000
              secret-file: ""
              heartbeat: 1s
              rate-limit-sync: 10s
              second-vip: { address: 10.0.0.5, interface: eth0, priority: 300, advert-interval: 15ms }
            access-log: { path: "", format: xml, buffer: 1, max-size: 1, max-files: 0 }
            metrics: { enabled: yes }
            forecast: { data-dir: "", minute-retention-days: 0 }
            alerts:
              evaluate-every: 10ms
              webhook: nope
              rules:
                - { name: a, level: info, condition: "p99 >> 1", for: -1s, window: 5m, pool: ghost, server: x }
                - { name: a, level: warning, condition: peer-lost, server: y }
            logging: { level: loud, format: xml, levels: { Tandem: chatty } }
            resolver: "dns.example:53"
            resolve-interval: 10ms
            policies:
              - name: office
                allow: [10.0.0.0/33]
                jwt: { issuer: x, algorithms: [HS256], jwks-url: "ftp://x" }
                basic-auth: { realm: x }
                forward-auth: { url: "nope", timeout: 0s }
                rate-limit: { key: "header:", rate: 0/s, burst: -1 }
                client-certificate: { fingerprint: zz }
              - name: office
            default-policy: maybe
            trusted-proxies: [nope]
            data-dir: ""
            cache: { memory: 1KB, max-object: 2GB, redis: [], tag-header: "a b", redis-timeout: 0s }
            unknownroot: 1
            """);

        Assert.Equal(
            [
                "test.yaml:4:11: listeners[0].pool: unknown pool 'nope'; defined pools: app",
                "test.yaml:5:5: listeners[0].protocl: unknown key; did you mean 'protocol'?",
                "test.yaml:6:22: listeners[0].policy[1]: unknown policy 'missing'; defined policies: office",
                "test.yaml:7:15: listeners[0].max-body: must be at least 1KB, got '1B'",
                "test.yaml:8:35: listeners[0].tls.certificates[0].cert: cannot read certificate file /nonexistent.pem: no such file",
                "test.yaml:8:92: listeners[0].tls.min-version: unknown TLS version '1.1'; expected 1.2 or 1.3 (older versions are never offered)",
                "test.yaml:11:24: listeners[0].routes[0].match.host: expected a host name such as api.example.com or *.example.com (no port, no scheme), got 'bad host'",
                "test.yaml:11:42: listeners[0].routes[0].match.path: must be a path starting with '/' (no spaces, query or fragment), got 'api'",
                "test.yaml:11:57: listeners[0].routes[0].match.methods[0]: 'GE T' is not a valid method (letters, digits and !#$%&'*+-.^_`|~)",
                "test.yaml:11:84: listeners[0].routes[0].match.headers.X-Env: expected a value, { regex: PATTERN } or { present: true }",
                "test.yaml:11:86: listeners[0].routes[0].match.headers.X-Env.regx: unknown key; did you mean 'regex'?",
                "test.yaml:13:19: listeners[0].routes[0].redirect: a route does exactly one of pool, split, redirect or respond; remove the others",
                "test.yaml:14:18: listeners[0].routes[0].rewrite: applies only to a route that forwards (pool or split), not to redirect or respond",
                "test.yaml:15:19: listeners[0].routes[0].timeouts: applies only to a route that forwards (pool or split), not to redirect or respond",
                "test.yaml:16:22: listeners[0].routes[0].compression: applies only to a route that forwards (pool or split), not to redirect or respond",
                "test.yaml:17:16: listeners[0].routes[0].cache: applies only to a route that forwards (pool or split), not to redirect or respond",
                "test.yaml:18:19: listeners[0].routes[0].errors.200: expected a status code 400..599 or 'intercept', got '200'",
                "test.yaml:19:15: listeners[0].routes[1].name: duplicate route name 'api' (first defined at line 10)",
                "test.yaml:20:17: listeners[0].routes[1].split[0]: missing required key 'weight'",
                "test.yaml:20:40: listeners[0].routes[1].split[1].pool: unknown pool 'beta'; defined pools: app",
                "test.yaml:21:20: listeners[0].routes[1].split-key: expected ip, header:NAME or cookie:NAME, got 'nope'",
                "test.yaml:23:28: listeners[0].routes[2].respond.status: must be 200..599, got 99",
                "test.yaml:23:52: listeners[0].routes[2].respond.body-file: give body or body-file, not both",
                "test.yaml:27:11: listeners[1].pool: unknown pool 'beta'; defined pools: app",
                "test.yaml:28:22: listeners[1].max-connections: does not apply to udp; use max-sessions",
                "test.yaml:29:13: listeners[1].splice: applies only to tcp and tls-passthrough (a udp flow has no byte stream to splice)",
                "test.yaml:29:13: listeners[1].splice: unknown value 'on'; expected auto or off",
                "test.yaml:30:22: listeners[1].trusted-proxies: applies only to protocol http (X-Forwarded-For); a layer-4 listener learns the client address from a PROXY protocol header (accept-proxy)",
                "test.yaml:34:69: listeners[2].routes[2]: a second route without match; only one default route is allowed",
                "test.yaml:34:77: listeners[2].routes[2].pool: unknown pool 'beta'; defined pools: app",
                "test.yaml:35:20: listeners[2].accept-proxy[0]: expected an address or CIDR network such as 10.0.0.0/8, got 'nope'",
                "test.yaml:37:9: admin.bind: bind 127.0.0.1:18080 is already used by listener 'web' (line 3)",
                "test.yaml:38:15: admin.token-file: token file '/nonexistent-token' does not exist",
                "test.yaml:39:3: admin.tokn: unknown key",
                "test.yaml:43:17: pools[0].slow-start: does not apply to ip-hash: ramping weights would move clients between servers",
                "test.yaml:44:12: pools[0].agent: applies only to algorithm dynamic-weighted, not ip-hash",
                "test.yaml:44:20: pools[0].agent.path: must start with '/', got 'x'",
                "test.yaml:46:44: pools[0].servers[0].weight: must be 1..256, got 0",
                "test.yaml:46:70: pools[0].servers[0].resolve: unknown value 'sometimes'; expected start or runtime",
                "test.yaml:47:48: pools[0].servers[1].name: name 'bad name' may only contain letters, digits, '.', '_', '-', ':', '[' and ']'",
                "test.yaml:48:21: pools[0].health.path: must start with '/', got 'health'",
                "test.yaml:48:21: pools[0].health.path: applies only to http checks, not tcp",
                "test.yaml:48:70: pools[0].health.expect-status: expected a status code or range such as 200 or 200-399 (100..599), got '700'",
                "test.yaml:48:75: pools[0].health.intervall: unknown key; did you mean 'interval'?",
                "test.yaml:49:38: pools[0].passive.consecutive-failures: must be 0..1000, got -1",
                "test.yaml:49:53: pools[0].passive.count-5xx: expected true or false, got 'maybe'",
                "test.yaml:50:26: pools[0].timeouts.connect: bad duration '1sec'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:51:20: pools[0].queue.size: must be 0..1000000, got 2000000",
                "test.yaml:52:36: pools[0].sticky.cookie: applies only to mode cookie; table mode names its key with 'key'",
                "test.yaml:52:47: pools[0].sticky.size: must be 1..10000000, got 0",
                "test.yaml:53:15: pools[0].hash-key: expected ip, header:NAME or cookie:NAME, got 'header:bad header'",
                "test.yaml:54:15: pools[0].capacity: expected requests per second per server, a number greater than 0 and at most 10000000, got '-5'",
                "test.yaml:55:26: pools[0].scale-ahead.lead: must be at most 24h (the forecast's reach)",
                "test.yaml:55:42: pools[0].scale-ahead.threshold: expected a percentage 1%..100% such as 80%, got '5'",
                "test.yaml:55:55: pools[0].scale-ahead.actions[0]: unknown action 'nap'; expected wake-backups, webhook: URL or command: \"...\"",
                "test.yaml:55:60: pools[0].scale-ahead.actions[1]: give either webhook or command, not both",
                "test.yaml:56:20: pools[0].tls.verify: expected true or false, got 'maybe'",
                "test.yaml:56:32: pools[0].tls.sni: expected a DNS name, got 'bad sni'",
                "test.yaml:56:47: pools[0].tls.ca: cannot read CA file /nonexistent-ca.pem: no such file",
                "test.yaml:58:11: pools[1].name: duplicate pool name 'app' (first defined at line 41)",
                "test.yaml:59:14: pools[1].servers: must list at least one server",
                "test.yaml:60:16: drain-timeout: must be greater than 0, got '0s'",
                "test.yaml:62:9: pair.node: bad node name 'bad node!': use 1..63 letters, digits, '.', '_' or '-'",
                "test.yaml:64:9: pair.peer: must differ from pair.bind (the other node's pair channel)",
                "test.yaml:65:16: pair.secret-file: must name a file",
                "test.yaml:66:14: pair.heartbeat: must be at most half of pair.peer-timeout (1s when absent), or one lost heartbeat counts as a lost peer",
                "test.yaml:67:20: pair.rate-limit-sync: must be 20ms..5s, or off",
                "test.yaml:68:15: pair.second-vip: needs pair.vip as well",
                "test.yaml:68:26: pair.second-vip.address: bad address '10.0.0.5': expected address/prefix such as 10.99.0.100/24",
                "test.yaml:68:63: pair.second-vip.priority: must be 1..254, got 300",
                "test.yaml:68:85: pair.second-vip.advert-interval: must be 10ms..40s in steps of 10ms (VRRPv3)",
                "test.yaml:69:21: access-log.path: must name a file, or '-' for standard output",
                "test.yaml:69:33: access-log.format: unknown format 'xml'; expected json or combined",
                "test.yaml:69:46: access-log.buffer: must be 16..16777216, got 1",
                "test.yaml:69:59: access-log.max-size: must be at least 1KB, got '1'",
                "test.yaml:69:73: access-log.max-files: must be 1..1000, got 0",
                "test.yaml:70:21: metrics.enabled: expected true or false, got 'yes'",
                "test.yaml:71:23: forecast.data-dir: must not be empty",
                "test.yaml:71:50: forecast.minute-retention-days: must be 1..366, got 0",
                "test.yaml:73:19: alerts.evaluate-every: must be 100ms..1m",
                "test.yaml:74:12: alerts.webhook: bad webhook URL 'nope'; expected http:// or https:// and a host",
                "test.yaml:76:25: alerts.rules[0].level: unknown level 'info'; expected warning, critical or disaster",
                "test.yaml:76:42: alerts.rules[0].condition: unknown operator '>>'; expected >, >=, < or <=",
                "test.yaml:76:59: alerts.rules[0].for: bad duration '-1s'; write e.g. 250ms, 2s, 5m, 1h (0 to 1d)",
                "test.yaml:76:72: alerts.rules[0].window: must be at most 2m (the live statistics keep two minutes)",
                "test.yaml:77:15: alerts.rules[1].name: duplicate rule name 'a'",
                "test.yaml:77:64: alerts.rules[1].server: does not apply to condition 'peer-lost'",
                "test.yaml:78:19: logging.level: unknown level 'loud'; expected trace, debug, info, warning, error, critical or none",
                "test.yaml:78:33: logging.format: unknown format 'xml'; expected text or json",
                "test.yaml:78:56: logging.levels.Tandem: unknown level 'chatty'; expected trace, debug, info, warning, error, critical or none",
                "test.yaml:79:11: resolver: bad address 'dns.example:53': the DNS server must be an IP address such as 127.0.0.1:53",
                "test.yaml:80:19: resolve-interval: must be at least 100ms",
                "test.yaml:83:13: policies[0].allow[0]: bad CIDR '10.0.0.0/33'; expected an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32",
                "test.yaml:84:35: policies[0].jwt.algorithms: unknown or unsafe algorithm 'HS256'; expected some of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512",
                "test.yaml:84:54: policies[0].jwt.jwks-url: expected an http:// or https:// URL, got 'ftp://x'",
                "test.yaml:85:17: policies[0].basic-auth: missing required key 'htpasswd'",
                "test.yaml:86:26: policies[0].forward-auth.url: expected an http:// or https:// URL, got 'nope'",
                "test.yaml:86:43: policies[0].forward-auth.timeout: must be greater than 0, got '0s'",
                "test.yaml:87:24: policies[0].rate-limit.key: expected ip, header:NAME, jwt:CLAIM or cert:subject, got 'header:'",
                "test.yaml:87:41: policies[0].rate-limit.rate: expected COUNT/UNIT such as 100/s, 600/m or 1000/h (COUNT 1..1000000), got '0/s'",
                "test.yaml:87:53: policies[0].rate-limit.burst: must be 1..10000000, got -1",
                "test.yaml:88:40: policies[0].client-certificate.fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons optional), got 'zz'",
                "test.yaml:89:11: policies[1].name: duplicate policy name 'office' (first defined on line 82)",
                "test.yaml:90:17: default-policy: unknown value 'maybe'; expected allow or deny",
                "test.yaml:91:19: trusted-proxies[0]: bad CIDR 'nope'; expected an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32",
                "test.yaml:92:11: data-dir: must not be empty",
                "test.yaml:93:18: cache.memory: must be at least 1MB",
                "test.yaml:93:35: cache.max-object: must not be larger than cache.memory",
                "test.yaml:93:47: cache.redis: must list at least one endpoint such as 127.0.0.1:6379",
                "test.yaml:93:63: cache.tag-header: 'a b' is not a header name",
                "test.yaml:93:85: cache.redis-timeout: must be greater than 0, got '0s'",
                "test.yaml:94:1: unknownroot: unknown key",
            ],
            problems);
    }
}
