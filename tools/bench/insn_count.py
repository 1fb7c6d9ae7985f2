#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""How many BPF instructions the cheapest drop executes, counted exactly.

make bench's timings of one drop swing by a tenth between runs on a noisy
machine; what the drop log's code costs a drop when no listener runs is
better seen as a count. This runs edgexdp_xdp of a compiled object on
the bench's denied_junk frame (UDP from 198.51.100.7:40000 to
203.0.113.10:9, a port no rule names) in a small interpreter of
llvm-objdump's text: every map lookup finds a zeroed value (the NIC's
entry says configured, zone external, log off), so the program takes
the junk filter's path to XDP_DROP, calls into subprograms included.

  insn_count.py OBJ...   prints {"OBJ": count, ...} as JSON

An instruction it does not know, or a helper other than a map lookup or
the clock, stops it with an error: it counts only the path it can follow.
"""
import json
import re
import struct
import subprocess
import sys

M64 = (1 << 64) - 1
XDP_DROP = 1
STACK = 512
MAP_VALUE = 8192
HELPER_MAP_LOOKUP = 1
HELPER_CLOCKS = (5, 160)  # ktime_get_ns, ktime_get_coarse_ns
# struct xdp_md: data, data_end, data_meta, ingress_ifindex
CTX_DATA, CTX_DATA_END, CTX_IFINDEX = 0, 4, 12

ALU = r"(=|\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<=|>>=|s>>=)"
RE_SECTION = re.compile(r"^Disassembly of section (\S+):")
RE_SYMBOL = re.compile(r"^[0-9a-f]+ <(\w+)>:")
RE_RELOC = re.compile(r"^\s+[0-9a-f]+:\s+R_BPF_\w+\s+(\S+)")
RE_INSN = re.compile(r"^\s+(\d+):\s+(.*)$")
RE_JMP = re.compile(r"^if ([rw]\d+) (\S+) (\S+) goto ([+-]\d+)")
RE_GOTO = re.compile(r"^goto ([+-]\d+)")
RE_CALL = re.compile(r"^call (-?\d+)")
RE_STORE = re.compile(r"^\*\(u(\d+) \*\)\(r(\d+) ([+-]) (\d+)\) = (\S+)$")
RE_LOAD = re.compile(r"^([rw])(\d+) = \*\(u(\d+) \*\)\(r(\d+) ([+-]) (\d+)\)$")
RE_ENDIAN = re.compile(r"^([rw])(\d+) = (be|le)(\d+) [rw]\d+$")
RE_ALU = re.compile(r"^([rw])(\d+) " + ALU + r" (-?[rw]?\w+)( ll)?$")
RE_NEG = re.compile(r"^([rw])(\d+) = -[rw](\d+)$")


def disassemble(obj):
    """{(section, index): [text, relocation]}, {function: (section, index)}"""
    out = subprocess.run(["llvm-objdump", "-d", "-r", "--no-show-raw-insn", obj],
                         capture_output=True, text=True, check=True).stdout
    insns, funcs, cur, section, symbol = {}, {}, None, None, None
    for line in out.splitlines():
        m = RE_SECTION.match(line)
        if m:
            section = m.group(1)
            continue
        m = RE_SYMBOL.match(line)
        if m:
            if not m.group(1).startswith("LBB"):
                symbol = m.group(1)
            continue
        m = RE_RELOC.match(line)  # before RE_INSN: its offset is digits too
        if m and cur:
            insns[cur][1] = m.group(1)
            continue
        m = RE_INSN.match(line)
        if m:
            cur = (section, int(m.group(1)))
            insns[cur] = [m.group(2).strip(), None]
            if symbol:
                funcs[symbol] = cur
                symbol = None
    return insns, funcs


def junk_frame():
    """The bench's denied_junk frame: Ethernet, IPv4 (its checksum right), UDP."""
    payload = b"x" * 18
    udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([198, 51, 100, 7]), bytes([203, 0, 113, 10]))
    s = sum(struct.unpack("!10H", ip))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
    return bytearray(b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp)


def signed(v, bits):
    return v - (1 << bits) if v >> (bits - 1) else v


class Machine:
    """Registers hold ints, or pointers as (region, offset)."""

    def __init__(self, obj):
        self.insns, self.funcs = disassemble(obj)
        self.mem = {"pkt": junk_frame()}
        self.pointers = {}  # (region, offset) -> pointer spilled there
        self.r = [0] * 11
        self.frames = []
        self.count = 0

    def new_stack(self):
        name = "stack%d" % len(self.frames)
        self.mem[name] = bytearray(STACK)
        self.r[10] = (name, STACK)

    def map_value(self, name):
        region = "map:" + name
        if region not in self.mem:
            value = bytearray(MAP_VALUE)
            if name == "interfaces":  # zone external, slot 0, configured
                struct.pack_into("<III", value, 0, 0, 0, 1)
            self.mem[region] = value
        return (region, 0)

    def operand(self, tok):
        m = re.match(r"^([rw])(\d+)$", tok)
        if not m:
            return int(tok, 0) & M64
        v = self.r[int(m.group(2))]
        return v & 0xffffffff if m.group(1) == "w" and isinstance(v, int) else v

    def load(self, ptr, size):
        region, off = ptr
        if region == "ctx":
            pkt_len = len(self.mem["pkt"])
            return {CTX_DATA: ("pkt", 0), CTX_DATA_END: ("pkt", pkt_len),
                    CTX_IFINDEX: 1}.get(off, 0)
        if ptr in self.pointers:
            return self.pointers[ptr]
        return int.from_bytes(self.mem[region][off:off + size], "little")

    def store(self, ptr, size, v):
        region, off = ptr
        if isinstance(v, tuple):
            self.pointers[ptr] = v
            return
        self.pointers.pop(ptr, None)
        self.mem[region][off:off + size] = \
            (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little")

    def alu(self, dst, op, b, w):
        a = self.r[dst]
        if isinstance(a, tuple) or isinstance(b, tuple):
            if op == "=":
                self.r[dst] = b
            elif op == "+=" and isinstance(a, tuple):
                self.r[dst] = (a[0], a[1] + signed(b, 64))
            elif op == "-=" and isinstance(a, tuple) and isinstance(b, tuple):
                self.r[dst] = a[1] - b[1]
            elif op == "-=" and isinstance(a, tuple):
                self.r[dst] = (a[0], a[1] - signed(b, 64))
            else:
                raise RuntimeError("pointer arithmetic: %s" % op)
            return
        bits = 32 if w else 64
        mask = (1 << bits) - 1
        a, b = a & mask, b & mask
        ops = {"=": lambda: b, "+=": lambda: a + b, "-=": lambda: a - b,
               "*=": lambda: a * b, "/=": lambda: a // b if b else 0,
               "%=": lambda: a % b if b else a, "&=": lambda: a & b,
               "|=": lambda: a | b, "^=": lambda: a ^ b,
               "<<=": lambda: a << (b % bits), ">>=": lambda: a >> (b % bits),
               "s>>=": lambda: signed(a, bits) >> (b % bits)}
        self.r[dst] = ops[op]() & mask

    @staticmethod
    def taken(a, op, b, w):
        if isinstance(a, tuple) and isinstance(b, tuple):
            a, b = a[1], b[1]
        elif isinstance(a, tuple) or isinstance(b, tuple):
            # a pointer against a scalar: only ever a test for NULL
            a, b = (1, 0) if isinstance(a, tuple) else (0, 1)
        bits = 32 if w else 64
        a, b = a & ((1 << bits) - 1), b & ((1 << bits) - 1)
        sa, sb = signed(a, bits), signed(b, bits)
        return {"==": a == b, "!=": a != b, ">": a > b, ">=": a >= b,
                "<": a < b, "<=": a <= b, "s>": sa > sb, "s>=": sa >= sb,
                "s<": sa < sb, "s<=": sa <= sb, "&": (a & b) != 0}[op]

    def helper(self, n):
        if n == HELPER_MAP_LOOKUP:
            self.r[0] = self.map_value(self.r[1][1])
        elif n in HELPER_CLOCKS:
            self.r[0] = 10 ** 9
        else:
            raise RuntimeError("helper %d" % n)
        self.r[1:6] = [0] * 5

    def step(self, section, pc, text, reloc):
        """The next (section, pc), or None at the program's exit."""
        nxt = pc + (2 if text.endswith(" ll") else 1)
        m = RE_JMP.match(text)
        if m:
            w = m.group(1)[0] == "w"
            if self.taken(self.operand(m.group(1)), m.group(2),
                          self.operand(m.group(3)), w):
                nxt = pc + 1 + int(m.group(4))
            return section, nxt
        m = RE_GOTO.match(text)
        if m:
            return section, pc + 1 + int(m.group(1))
        if text == "exit":
            if not self.frames:
                return None
            section, nxt, self.r[6:11] = self.frames.pop()
            return section, nxt
        m = RE_CALL.match(text)
        if m and reloc in self.funcs:  # a call into a subprogram
            self.frames.append((section, nxt, self.r[6:11]))
            self.new_stack()
            return self.funcs[reloc]
        if m:
            self.helper(int(m.group(1)))
            return section, nxt
        m = RE_STORE.match(text)
        if m:
            base = self.r[int(m.group(2))]
            off = int(m.group(4)) * (1 if m.group(3) == "+" else -1)
            self.store((base[0], base[1] + off), int(m.group(1)) // 8,
                       self.operand(m.group(5)))
            return section, nxt
        m = RE_LOAD.match(text)
        if m:
            base = self.r[int(m.group(4))]
            off = int(m.group(6)) * (1 if m.group(5) == "+" else -1)
            self.r[int(m.group(2))] = self.load((base[0], base[1] + off),
                                                int(m.group(3)) // 8)
            return section, nxt
        m = RE_ENDIAN.match(text)
        if m:
            n = int(m.group(4)) // 8
            v = self.r[int(m.group(2))] & ((1 << (8 * n)) - 1)
            if m.group(3) == "be":
                v = int.from_bytes(v.to_bytes(n, "little"), "big")
            self.r[int(m.group(2))] = v
            return section, nxt
        m = RE_NEG.match(text)
        if m:
            self.r[int(m.group(2))] = -self.r[int(m.group(3))] & M64
            return section, nxt
        m = RE_ALU.match(text)
        if m:
            dst = int(m.group(2))
            if m.group(5) and reloc:  # r = map ll: the map, by name
                self.r[dst] = ("mapref", reloc)
            else:
                self.alu(dst, m.group(3), self.operand(m.group(4)),
                         m.group(1) == "w")
            return section, nxt
        raise RuntimeError("instruction %s %d not understood: %s"
                           % (section, pc, text))

    def run(self, prog="edgexdp_xdp"):
        self.r[1] = ("ctx", 0)
        self.new_stack()
        at = self.funcs[prog]
        while at:
            text, reloc = self.insns[at]
            self.count += 1
            at = self.step(at[0], at[1], text, reloc)
        if self.r[0] != XDP_DROP:
            raise RuntimeError("verdict %s, not XDP_DROP" % self.r[0])
        return self.count


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 2
    counts = {}
    for obj in sys.argv[1:]:
        try:
            counts[obj] = Machine(obj).run()
        except (RuntimeError, KeyError, subprocess.CalledProcessError) as e:
            print("insn_count: %s: %s" % (obj, e), file=sys.stderr)
            return 1
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
