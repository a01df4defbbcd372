#!/usr/bin/env python3
# wire-relay.py SOCK_A SOCK_B [CTL]: the wire between two serial ports of
# one VM (scripts/vm/run.sh's ATMQTT_VM_WIRES).  Listens on two unix
# sockets, which two QEMU socket chardevs connect to, and copies bytes both
# ways, buffering whatever the other side does not take yet.
#
# CTL, a third unix socket, takes lines "pause MS [AFTER]": for MS
# milliseconds the relay stops reading from SOCK_A (the NEAR port), as a
# modem that deasserts CTS stops the host's UART, once AFTER more bytes
# (0 by default) came from it; answered "ok".  Whatever SOCK_A's
# port sends then stays in its socket, and once that is full a 16550 holds
# its byte and the guest's ring stops draining.  (A PL011 or usb-serial
# blocks the whole VM instead: see below.)  scripts/vm/wire-ctl.py uses it.
#
# Why not one chardev connected straight to the other: QEMU's PL011 and
# usb-serial write to their chardev with qemu_chr_fe_write_all(), which
# blocks the vCPU, holding the big lock, until the socket takes the byte;
# each byte is its own message, so the socket fills after a few hundred,
# and the peer chardev, which would drain it, is served by the main loop
# that the blocked vCPU holds up: the VM hangs on a write of 1 KiB.  Here
# the relay always reads.  It exits when either side closes.
import os
import select
import socket
import sys
import time


def listen(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    return s


def start_pause(st):
    st["until"] = time.monotonic() + st["ms"] / 1000
    st["after"] = None


def control(c, st):
    """A line from a control connection; False when it closed."""
    try:
        data = c.recv(4096)
    except OSError:
        return False
    if not data:
        return False
    for line in data.decode(errors="replace").splitlines():
        w = line.split()
        if (len(w) in (2, 3) and w[0] == "pause" and
                all(x.isdigit() for x in w[1:])):
            st["ms"] = int(w[1])
            st["after"] = int(w[2]) if len(w) == 3 else 0
            if not st["after"]:
                start_pause(st)
            c.sendall(b"ok\n")
        else:
            c.sendall(b"error: pause MS [AFTER]\n")
    return True


def main():
    paths = sys.argv[1:3]
    lsocks = [listen(p) for p in paths]
    ctl = listen(sys.argv[3]) if len(sys.argv) > 3 else None
    ctls = []
    # until: the pause's end; after: bytes from SOCK_A before it starts.
    st = {"until": 0.0, "after": None, "ms": 0}
    # Ready: run.sh waits for this line before starting QEMU.
    print("listening", flush=True)
    conns = [None, None]
    for i, ls in enumerate(lsocks):
        # QEMU connects as it starts: a relay left without one goes.
        ls.settimeout(120)
        try:
            conns[i], _ = ls.accept()
        except OSError:
            for p in paths:
                try:
                    os.unlink(p)
                except FileNotFoundError:
                    pass
            return
        conns[i].setblocking(False)
        ls.close()
        os.unlink(paths[i])
    pending = [bytearray(), bytearray()]  # to be written to conns[i]
    while True:
        wr = [conns[i] for i in (0, 1) if pending[i]]
        now = time.monotonic()
        paused = now < st["until"]
        rd = conns[1:] if paused else conns[:]
        extra = ([ctl] if ctl else []) + ctls
        tmo = min(1.0, st["until"] - now) if paused else 1.0
        r, w, _ = select.select(rd + extra, wr, [], tmo)
        for c in r:
            if c is ctl:
                ctls.append(ctl.accept()[0])
                continue
            if c in ctls:
                if not control(c, st):
                    ctls.remove(c)
                    c.close()
                continue
            i = conns.index(c)
            size = 65536
            if i == 0 and st["after"]:
                size = min(size, st["after"])
            try:
                data = c.recv(size)
            except BlockingIOError:
                continue
            except OSError:
                return
            if not data:
                return
            pending[1 - i] += data
            if i == 0 and st["after"]:
                st["after"] -= len(data)
                if st["after"] <= 0:
                    start_pause(st)
        for c in w:
            i = conns.index(c)
            try:
                n = c.send(pending[i])
            except BlockingIOError:
                continue
            except OSError:
                return
            del pending[i][:n]


if __name__ == "__main__":
    main()
