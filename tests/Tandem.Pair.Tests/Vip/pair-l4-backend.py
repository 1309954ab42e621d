# The pair test's layer-4 backends: on TCP PORT each connection gets "NODE\n" and is closed; on UDP PORT+1 every
# datagram is answered with "NODE:" and the datagram. Usage: python3 pair-l4-backend.py PORT NODE
import socket, sys, threading
port, node = int(sys.argv[1]), sys.argv[2].encode()

def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port + 1))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(node + b":" + data, peer)

threading.Thread(target=udp, daemon=True).start()
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(64)
while True:
    conn, _ = listener.accept()
    try:
        conn.sendall(node + b"\n")
    finally:
        conn.close()
