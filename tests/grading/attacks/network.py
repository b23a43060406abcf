# attack: network access (TCP to the host loopback, UDP, DNS, public addresses)
# expect: score=0
import socket

def attack():
    attempts = [
        lambda: socket.create_connection(("127.0.0.1", 47123), timeout=0.5),
        lambda: socket.create_connection(("1.1.1.1", 53), timeout=0.5),
        lambda: socket.getaddrinfo("pypi.org", 443),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)),
        lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect("\0microcred"),
        lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW),
    ]
    for attempt in attempts:
        try:
            attempt()
            return True
        except OSError:
            pass
    return False

_export(attack())
