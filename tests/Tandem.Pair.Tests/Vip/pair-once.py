# One GET with a 5 s timeout; prints the body (the backend names its node) or "fail TYPE". Usage: python3 pair-once.py HOST PORT PATH
import http.client, sys
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("GET", path)
    print(conn.getresponse().read().decode().strip() or "empty")
except Exception as e:
    print("fail " + type(e).__name__)
