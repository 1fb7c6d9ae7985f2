#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Real TCP connections and UDP conversations, held open across a flood.

serve ADDR TCP_PORT UDP_ADDR UDP_BASE N
    echo every TCP line back on ADDR:TCP_PORT, and every datagram on
    UDP_ADDR:UDP_BASE..UDP_BASE+N-1; runs until killed.
clients ADDR TCP_PORT UDP_ADDR UDP_BASE N
    open N TCP connections and N UDP flows, each exchanging one message
    both ways; print "open TCP UDP" (how many did); then, for every line
    read on stdin, exchange one more message on each and print
    "alive TCP UDP". A message that does not come back within the timeout
    counts the flow as dead.
connect ADDR TCP_PORT UDP_ADDR UDP_BASE N
    open N new TCP connections one after another, each exchanging one
    message and closing; print "connected K of N, slowest MS ms".
"""
import selectors
import socket
import sys
import time

TIMEOUT = 1.0


def serve(addr, tcp_port, udp_addr, udp_base, n):
    sel = selectors.DefaultSelector()
    listener = socket.create_server((addr, tcp_port), backlog=4 * n)
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, "accept")
    for i in range(n):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((udp_addr, udp_base + i))
        u.setblocking(False)
        sel.register(u, selectors.EVENT_READ, "udp")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if key.data == "accept":
                conn, _ = sock.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "tcp")
            elif key.data == "udp":
                try:
                    data, peer = sock.recvfrom(2048)
                    sock.sendto(data, peer)
                except OSError:
                    pass
            else:
                try:
                    data = sock.recv(2048)
                except OSError:
                    data = b""
                if data:
                    sock.sendall(data)
                else:
                    sel.unregister(sock)
                    sock.close()


def exchange_tcp(sock, msg):
    try:
        sock.sendall(msg)
        got = b""
        while len(got) < len(msg):
            chunk = sock.recv(len(msg) - len(got))
            if not chunk:
                return False
            got += chunk
        return got == msg
    except OSError:
        return False


def exchange_udp(sock, msg):
    try:
        sock.send(msg)
        return sock.recv(2048) == msg
    except OSError:
        return False


def clients(addr, tcp_port, udp_addr, udp_base, n):
    tcp, udp = [], []
    for i in range(n):
        try:
            t = socket.create_connection((addr, tcp_port), timeout=TIMEOUT)
            t.settimeout(TIMEOUT)
            tcp.append(t)
        except OSError:
            pass
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(TIMEOUT)
        u.connect((udp_addr, udp_base + i))
        udp.append(u)
    round_no = 0

    def one_round():
        msg = ("round %d\n" % round_no).encode()
        ok_t = sum(exchange_tcp(t, msg) for t in tcp)
        ok_u = sum(exchange_udp(u, msg) for u in udp)
        return ok_t, ok_u

    print("open %d %d" % one_round(), flush=True)
    for _ in sys.stdin:
        round_no += 1
        print("alive %d %d" % one_round(), flush=True)


def connect(addr, tcp_port, _udp_addr, _udp_base, n):
    ok, slowest = 0, 0.0
    for i in range(n):
        start = time.monotonic()
        try:
            with socket.create_connection((addr, tcp_port),
                                          timeout=TIMEOUT) as t:
                t.settimeout(TIMEOUT)
                if exchange_tcp(t, ("new %d\n" % i).encode()):
                    ok += 1
        except OSError:
            pass
        slowest = max(slowest, time.monotonic() - start)
    print("connected %d of %d, slowest %.1f ms" % (ok, n, slowest * 1000),
          flush=True)


def main():
    mode, addr, tcp_port, udp_addr, udp_base, n = sys.argv[1:7]
    args = (addr, int(tcp_port), udp_addr, int(udp_base), int(n))
    if mode == "serve":
        serve(*args)
    elif mode == "clients":
        clients(*args)
    elif mode == "connect":
        connect(*args)
    else:
        sys.exit("usage: flowpeers.py serve|clients|connect "
                 "ADDR PORT UADDR UBASE N")


if __name__ == "__main__":
    main()
