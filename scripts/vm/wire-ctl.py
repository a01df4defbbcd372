#!/usr/bin/env python3
# wire-ctl.py SOCK PREFIX MONITOR [NAME=DEVICE...]: the VM's control line to
# its wires (scripts/vm/run.sh, ATMQTT_VM_WIRES).  Listens on the unix
# socket SOCK, which the chardev of one more serial port of the VM connects
# to (the VM learns its name as atmqtt.serial_ctl=ttySn), and answers each
# line the VM sends with one line, "ok" or "error: WHY":
#
#   pause WIRE MS [AFTER]
#                     wire-relay.py of WIRE (its control socket
#                     PREFIX.WIRE.ctl) stops reading the NEAR port for MS
#                     milliseconds, once AFTER more bytes came from it: a
#                     modem that deasserts CTS.
#   device_del NAME   QEMU's monitor (the HMP socket MONITOR) unplugs the
#                     device NAME=DEVICE names: a USB modem that resets.
#   device_add NAME   and plugs it back (device_add DEVICE).
#
# The VM's line is a serial port: it may send a line in pieces.
import socket
import sys


class Monitor:
    """QEMU's human monitor on a unix socket, connected at first use."""

    def __init__(self, path):
        self.path = path
        self.s = None

    def _until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            d = self.s.recv(4096)
            if not d:
                raise OSError("monitor closed")
            buf += d
        return buf[: -len(b"(qemu) ")].decode(errors="replace")

    def cmd(self, line):
        if self.s is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.path)
            s.settimeout(30)
            self.s = s
            self._until_prompt()
        self.s.sendall(line.encode() + b"\n")
        out = self._until_prompt().replace("\r", "").split("\n")
        # The monitor echoes the command line first (with its editing
        # escapes); what follows is its answer, nothing on success.
        return "; ".join(x for x in out[1:] if x.strip())


def pause(prefix, wire, args):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect("%s.%s.ctl" % (prefix, wire))
    s.sendall(("pause %s\n" % " ".join(args)).encode())
    r = s.recv(4096).decode(errors="replace").strip()
    s.close()
    return r


def handle(line, prefix, mon, devices):
    w = line.split()
    try:
        if (len(w) in (3, 4) and w[0] == "pause" and
                all(x.isdigit() for x in w[2:])):
            return pause(prefix, w[1], w[2:])
        if len(w) == 2 and w[0] in ("device_del", "device_add"):
            if w[1] not in devices:
                return "error: no device %s" % w[1]
            dev = devices[w[1]]
            if w[0] == "device_del":
                arg = dev.split("id=", 1)[1].split(",", 1)[0]
            else:
                arg = dev
            out = mon.cmd("%s %s" % (w[0], arg))
            return "error: " + out if out else "ok"
    except OSError as e:
        return "error: %s" % e
    return "error: pause WIRE MS [AFTER] | device_del NAME | device_add NAME"


def main():
    path, prefix, monitor = sys.argv[1:4]
    devices = dict(a.split("=", 1) for a in sys.argv[4:])
    mon = Monitor(monitor)
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(1)
    print("listening", flush=True)
    ls.settimeout(120)
    try:
        c, _ = ls.accept()
    except OSError:
        return
    ls.close()
    buf = b""
    while True:
        d = c.recv(4096)
        if not d:
            return
        buf += d.replace(b"\r", b"\n")
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode(errors="replace").strip()
            # Never answer an answer: a guest port left echoing would
            # send ours back.
            if not line or line == "ok" or line.startswith("error"):
                continue
            r = handle(line, prefix, mon, devices)
            print("%s -> %s" % (line, r), flush=True)
            c.sendall(r.encode() + b"\n")


if __name__ == "__main__":
    main()
