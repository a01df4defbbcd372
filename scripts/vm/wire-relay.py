#!/usr/bin/env python3
# wire-relay.py SOCK_A SOCK_B: the wire between two serial ports of one VM
# (scripts/vm/run.sh's ATMQTT_VM_WIRES).  Listens on two unix sockets, which
# two QEMU socket chardevs connect to, and copies bytes both ways, buffering
# whatever the other side does not take yet.
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


def listen(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    return s


def main():
    paths = sys.argv[1:3]
    lsocks = [listen(p) for p in paths]
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
        r, w, _ = select.select(conns, wr, [], 1.0)
        for c in r:
            i = conns.index(c)
            try:
                data = c.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                return
            if not data:
                return
            pending[1 - i] += data
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
