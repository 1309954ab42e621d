# One new TCP connection and one UDP query (a new source port each time) to the VIP, 2 s timeout each; prints
# "TCP UDP": the node that answered each, or "fail" for one without an answer. The UDP socket is connected to the VIP,
# so, as a DNS resolver does, it takes an answer only from the address it asked.
# Usage: python3 pair-l4-once.py VIP TCP_PORT UDP_PORT
import socket, sys
vip, tcp_port, udp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def tcp():
    try:
        with socket.create_connection((vip, tcp_port), timeout=2) as s:
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(64)
                if not chunk:
                    break
                data += chunk
            return data.decode().strip() or "fail"
    except OSError:
        return "fail"

def udp():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            s.connect((vip, udp_port))
            s.send(b"q")
            data = s.recv(2048).decode()
            return data.split(":")[0] if data.endswith(":q") else "fail"
    except OSError:
        return "fail"

print(tcp(), udp())
