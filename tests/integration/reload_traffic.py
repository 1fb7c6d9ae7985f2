#!/usr/bin/env python3
"""Traffic for the reload test: runs until STOPFILE exists, then prints one
JSON line of what it counted.

  udp-echo ADDR PORT                        a UDP echo server
  flows ADDR TCPPORT UDPPORT STOPFILE       one TCP stream and one UDP flow,
                                            every message checked on return
  probe ADDR PORT STOPFILE                  new TCP connections, over and over
"""
import json
import os
import socket
import sys
import time


def udp_echo(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


# How long a message may take to come back before it counts as lost: far
# more than a reload takes, so a machine starved by the verifier runs of
# a hundred reloads delays a reply without losing it.
REPLY_TIMEOUT = 5.0


def udp_reply(u, msg):
    """True if msg comes back within REPLY_TIMEOUT; replies to earlier
    messages that came late are passed over."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        u.settimeout(left)
        try:
            if u.recv(2048) == msg:
                return True
        except OSError:
            return False


def flows(addr, tport, uport, stop):
    t = socket.create_connection((addr, tport), timeout=REPLY_TIMEOUT)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.connect((addr, uport))
    c = {"tcp_sent": 0, "tcp_ok": 0, "tcp_error": "", "udp_sent": 0,
         "udp_ok": 0}
    buf = b""
    seq = 0
    while not os.path.exists(stop):
        seq += 1
        msg = b"%d\n" % seq
        try:
            t.sendall(msg)
            c["tcp_sent"] += 1
            while b"\n" not in buf:
                chunk = t.recv(4096)
                if not chunk:
                    raise ConnectionError("closed")
                buf += chunk
            line, buf = buf.split(b"\n", 1)
            if line + b"\n" == msg:
                c["tcp_ok"] += 1
        except (OSError, ConnectionError) as e:
            c["tcp_error"] = str(e)
            break
        u.send(msg)
        c["udp_sent"] += 1
        if udp_reply(u, msg):
            c["udp_ok"] += 1
        time.sleep(0.01)
    print(json.dumps(c), flush=True)


def probe(addr, port, stop):
    c = {"tries": 0, "connected": 0}
    while not os.path.exists(stop):
        c["tries"] += 1
        try:
            socket.create_connection((addr, port), timeout=0.2).close()
            c["connected"] += 1
        except OSError:
            pass
        time.sleep(0.02)
    print(json.dumps(c), flush=True)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "udp-echo":
        udp_echo(args[0], int(args[1]))
    elif mode == "flows":
        flows(args[0], int(args[1]), int(args[2]), args[3])
    else:
        probe(args[0], int(args[1]), args[2])
