# The pair test's backend: answers "NODE" to every GET; /slow answers after 2 s (a request still in flight when the VIP
# moves). Usage: python3 pair-backend.py PORT NODE [SLOW_LOG]; with SLOW_LOG, a line is appended there when a /slow
# request arrives, so a test knows it is in flight before it acts.
import http.server, sys, time
port, body = int(sys.argv[1]), (sys.argv[2] + "\n").encode()
slow_log = sys.argv[3] if len(sys.argv) > 3 else None

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.startswith("/slow"):
            if slow_log:
                with open(slow_log, "a") as out:
                    out.write("%d\n" % (time.time() * 1000))
            time.sleep(2.0)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
