# The pair test's client: one GET every 20 ms with a 300 ms timeout until LOG.stop exists; appends "UNIX_MS BODY"
# (the backend names its node) or "UNIX_MS fail" per request. Usage: python3 pair-client.py HOST PORT LOG
import http.client, os, sys, time
host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(log, "a", buffering=1) as out:
    while not os.path.exists(log + ".stop"):
        started = time.time()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=0.3)
            conn.request("GET", "/")
            body = conn.getresponse().read().decode().strip() or "empty"
            conn.close()
        except Exception:
            body = "fail"
        out.write("%d %s\n" % (started * 1000, body))
        time.sleep(max(0.0, 0.02 - (time.time() - started)))
