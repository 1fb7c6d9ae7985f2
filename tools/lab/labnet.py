#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The lab's network end points, standard library only.

  serve --log FILE --addrs A,B --ports P,Q
        Echo service: a TCP listener and a UDP socket on every address and
        port. Each line (TCP) or datagram (UDP) is answered with
        "<address the peer was seen as> <line>", so a client learns both that
        its reply came back and what NAT made of its source address. Every
        connection and datagram is logged as
        "<proto> <local addr> <local port> <peer addr> <peer port> <token>"
        so a test can tell that an attack never reached the listener.
        A datagram of more than one word is an echo, not a request: it is
        logged, not answered.
        Sockets are bound per address, so UDP replies leave from the address
        the datagram was sent to (the gateway's NAT needs that).
  probe tcp|udp SRC DST PORT TOKEN [--timeout S] [--sport P]
        One flow: send TOKEN, wait for its echo. Prints "ok <seen-as>" and
        exits 0, or "fail <why>" and exits 1. With --sport, from that
        source port (a TCP one is reset on close, so that the next probe
        can reuse the port at once instead of meeting TIME_WAIT).
  hold SRC DST PORT
        One long TCP connection. For each line read on stdin, sends it and
        prints "ok" when its echo comes back, "fail <why>" otherwise.
  spoof tcp-ack|tcp-synack|udp SRC SPORT DST DPORT [--count N]
        Forged reply-looking packets with correct checksums, through a raw
        socket bound to SRC, which need not be this host's (no connection
        exists for them anywhere).
"""
import argparse
import ipaddress
import os
import random
import resource
import select
import signal
import socket
import struct
import sys
import time


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def plain(addr):
    """Canonical text of an address (v4-mapped v6 shown as v4)."""
    ip = ipaddress.ip_address(addr.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)


# ---------------------------------------------------------------- serve


def serve(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    log = open(args.log, "a", buffering=1)
    listeners, udps = {}, {}
    for addr in args.addrs.split(","):
        fam = family_of(addr)
        for port in (int(p) for p in args.ports.split(",")):
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(fam, kind)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((addr, port))
                s.setblocking(False)
                if kind == socket.SOCK_STREAM:
                    s.listen(64)
                    listeners[s.fileno()] = s
                else:
                    udps[s.fileno()] = s
    conns = {}  # fd -> [socket, buffer, peer, local]
    poll = select.poll()
    for fd in list(listeners) + list(udps):
        poll.register(fd, select.POLLIN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())

    def close(fd):
        poll.unregister(fd)
        conns.pop(fd)[0].close()

    while True:
        for fd, _ in poll.poll():
            if fd in listeners:
                try:
                    c, peer = listeners[fd].accept()
                except OSError:
                    continue
                local = c.getsockname()
                c.setblocking(False)
                conns[c.fileno()] = [c, b"", peer, local]
                poll.register(c.fileno(), select.POLLIN)
                log.write("tcp %s %d %s %d -\n" % (plain(local[0]), local[1],
                                                   plain(peer[0]), peer[1]))
            elif fd in udps:
                s = udps[fd]
                try:
                    data, peer = s.recvfrom(2048)
                except OSError:
                    continue
                local = s.getsockname()
                token = data.decode(errors="replace").strip() or "-"
                log.write("udp %s %d %s %d %s\n" % (plain(local[0]), local[1],
                                                    plain(peer[0]), peer[1],
                                                    token.split()[0]))
                # A request is one word (a probe's token); an echo reply
                # has two. Answering only requests stops two listeners
                # echoing each other forever (a spoofed datagram from a
                # listener's port would start that).
                if len(token.split()) != 1:
                    continue
                try:
                    s.sendto(("%s %s\n" % (plain(peer[0]), token)).encode(),
                             peer)
                except OSError:
                    pass
            elif fd in conns:
                c, buf, peer, local = conns[fd]
                try:
                    data = c.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    close(fd)
                    continue
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    token = line.decode(errors="replace").strip() or "-"
                    log.write("tcp %s %d %s %d %s\n" % (
                        plain(local[0]), local[1], plain(peer[0]), peer[1],
                        token.split()[0]))
                    try:
                        c.send(("%s %s\n" % (plain(peer[0]), token)).encode())
                    except OSError:
                        pass
                conns[fd][1] = buf


# ---------------------------------------------------------------- clients


def client_socket(proto, src, dst, port, timeout, sport=0):
    fam = family_of(dst)
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp"
                      else socket.SOCK_DGRAM)
    s.settimeout(timeout)
    if sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if proto == "tcp":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
    s.bind((src, sport))
    s.connect((dst, port))
    return s


def read_line(s, deadline):
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out")
        s.settimeout(left)
        data = s.recv(4096)
        if not data:
            raise ConnectionError("closed by peer")
        buf += data
    return buf.split(b"\n", 1)[0].decode(errors="replace")


def probe(args):
    deadline = time.monotonic() + args.timeout
    try:
        s = client_socket(args.proto, args.src, args.dst, args.port,
                          args.timeout, args.sport)
        s.send((args.token + "\n").encode())
        while True:
            if args.proto == "tcp":
                line = read_line(s, deadline)
            else:
                s.settimeout(max(deadline - time.monotonic(), 0.001))
                line = s.recv(2048).decode(errors="replace").strip()
            seen, _, token = line.partition(" ")
            if token == args.token:
                break
        s.close()
    except (OSError, ValueError) as e:
        print("fail %s" % (str(e) or type(e).__name__).replace(" ", "_"))
        return 1
    print("ok %s" % seen)
    return 0


def hold(args):
    try:
        s = client_socket("tcp", args.src, args.dst, args.port, args.timeout)
    except OSError as e:
        print("fail connect:%s" % str(e).replace(" ", "_"), flush=True)
        return 1
    print("connected %s" % s.getsockname()[1], flush=True)
    for line in sys.stdin:
        token = line.strip() or "-"
        try:
            s.send((token + "\n").encode())
            reply = read_line(s, time.monotonic() + args.timeout)
            ok = reply.partition(" ")[2] == token
            print("ok" if ok else "fail bad_echo", flush=True)
        except OSError as e:
            print("fail %s" % (str(e) or type(e).__name__).replace(" ", "_"),
                  flush=True)
    s.close()
    return 0


# ---------------------------------------------------------------- spoof


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo_header(src, dst, proto, length):
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if s.version == 4:
        return s.packed + d.packed + struct.pack("!BBH", 0, proto, length)
    return s.packed + d.packed + struct.pack("!I3xB", length, proto)


IP_FREEBIND = 15  # linux/in.h
IPV6_FREEBIND = 78  # linux/in6.h


def spoof(args):
    fam = family_of(args.dst)
    proto = socket.IPPROTO_UDP if args.kind == "udp" else socket.IPPROTO_TCP
    s = socket.socket(fam, socket.SOCK_RAW, proto)
    # Freebind: a forged source need not be one of this host's addresses.
    if fam == socket.AF_INET:
        s.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    s.bind((args.src, 0))
    for _ in range(args.count):
        if args.kind == "udp":
            payload = b"spoofed-reply\n"
            hdr = struct.pack("!HHHH", args.sport, args.dport,
                              8 + len(payload), 0)
            seg = hdr + payload
            c = csum(pseudo_header(args.src, args.dst, proto, len(seg)) + seg)
            seg = seg[:6] + struct.pack("!H", c or 0xFFFF) + seg[8:]
        else:
            flags = 0x10 if args.kind == "tcp-ack" else 0x12  # ACK, SYN|ACK
            hdr = struct.pack("!HHIIBBHHH", args.sport, args.dport,
                              random.getrandbits(32), random.getrandbits(32),
                              5 << 4, flags, 64240, 0, 0)
            c = csum(pseudo_header(args.src, args.dst, proto, len(hdr)) + hdr)
            seg = hdr[:16] + struct.pack("!H", c) + hdr[18:]
        s.sendto(seg, (args.dst, 0))
        time.sleep(0.02)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("serve")
    a.add_argument("--log", required=True)
    a.add_argument("--addrs", required=True)
    a.add_argument("--ports", required=True)
    a.add_argument("--ready")
    a = sub.add_parser("probe")
    a.add_argument("proto", choices=("tcp", "udp"))
    for n in ("src", "dst"):
        a.add_argument(n)
    a.add_argument("port", type=int)
    a.add_argument("token")
    a.add_argument("--timeout", type=float, default=1.0)
    a.add_argument("--sport", type=int, default=0)
    a = sub.add_parser("hold")
    for n in ("src", "dst"):
        a.add_argument(n)
    a.add_argument("port", type=int)
    a.add_argument("--timeout", type=float, default=1.0)
    a = sub.add_parser("spoof")
    a.add_argument("kind", choices=("tcp-ack", "tcp-synack", "udp"))
    a.add_argument("src")
    a.add_argument("sport", type=int)
    a.add_argument("dst")
    a.add_argument("dport", type=int)
    a.add_argument("--count", type=int, default=3)
    args = p.parse_args()
    return {"serve": serve, "probe": probe, "hold": hold,
            "spoof": spoof}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
