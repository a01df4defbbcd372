#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the line's time goes in the exchanges of make bench-profile.

Reads the XTRACE lines of bench/results/profile.log: the simulator's I/O
trace (atmqtt-sim -T: R read, T taken, S started on the line, W written)
and ftrace's calls of atmqtt_modem_receive (K receive) and atmqtt_tx_push
(K send), one clock.  Each 1024-byte exchange at 921600 baud is cut at the
same points into segments, and each segment is one of:

  line    the emulated UART carries bytes (T after R, W after S)
  modem   the simulator works (from bytes taken to its answer started;
          that includes waiting while the line carries a URC written
          just before, such as the +MQTTMSGI of the next message, since
          the simulator holds its output lock while a write is paced)
  tty     the pty and the scheduler: written on one side -> the other side
          has it (the simulator's W -> the module's receive, the module's
          send -> the simulator's R)
  atmqtt  the module: its receive -> its next send

Publish: data taken -> OK -> (tty) -> receive -> send of the next command
-> (tty) -> the command -> the '>' prompt -> (tty) -> receive -> send of the
data -> (tty) -> data taken.  Receive: AT+MQTTREAD=1 read -> the +MQTTREAD
response and its OK -> (tty) -> receive -> send of the next READ -> (tty).
"""
import re
import statistics
import sys

KLINE = re.compile(r'\s([\d.]+):\s+(atmqtt_modem_receive|atmqtt_tx_push)\b')
# The benchmark's own line: the bytes an exchange puts on the busier
# direction (wire_pub() and wire_rx() of bench/atmqtt_bench/throughput.c),
# at that rate.
WLINE = re.compile(r'^PROFILE exchange tp_(pub|rx)_(\d+)_(\d+)_wire (\d+)')
NAMES = {'pub': 'publish', 'rx': 'receive'}


def load(path):
    """The events in time order, and {name: (baud, size, wire bytes)}."""
    ev, wire = [], {}
    for raw in open(path, errors='replace'):
        raw = raw.rstrip('\r\n')
        m = WLINE.match(raw)
        if m:
            wire[NAMES[m.group(1)]] = (int(m.group(2)), int(m.group(3)),
                                       int(m.group(4)))
        elif raw.startswith('XTRACE S '):
            f = raw[9:].split(' ', 3)
            if len(f) < 3:
                continue
            ev.append((float(f[0]) * 1e6, f[1], int(f[2]),
                       f[3] if len(f) > 3 else ''))
        elif raw.startswith('XTRACE K '):
            m = KLINE.search(raw)
            if m:
                kind = 'KR' if m.group(2) == 'atmqtt_modem_receive' else 'KS'
                ev.append((float(m.group(1)) * 1e6, kind, 0, ''))
    ev.sort(key=lambda e: e[0])
    return ev, wire


def after(ev, i, test):
    """Index of the first event after i that passes test, or None."""
    for j in range(i + 1, len(ev)):
        if test(ev[j]):
            return j
    return None


def kind(k, text=None, big=False):
    def test(e):
        return (e[1] == k and (text is None or text in e[3]) and
                (not big or e[2] >= 512))
    return test


def chain(ev, start, steps):
    """Follow steps from start: [(test, label)]; the segment before each
    step gets its label.  Returns (end index, [(label, us)]) or None."""
    segs, i = [], start
    for test, label in steps:
        j = after(ev, i, test)
        if j is None:
            return None
        segs.append((label, ev[j][0] - ev[i][0]))
        i = j
    return i, segs


PUBLISH = [
    (kind('S', 'OK'), 'modem: data -> OK'),
    (kind('W', 'OK'), 'line: OK'),
    (kind('KR'), 'tty: OK -> atmqtt'),
    (kind('KS'), 'atmqtt: OK -> next command'),
    (kind('R', 'AT+MQTTPUB'), 'tty: command -> modem'),
    (kind('T'), 'line: command'),
    (kind('S', '>'), 'modem: command -> prompt'),
    (kind('W', '>'), 'line: prompt'),
    (kind('KR'), 'tty: prompt -> atmqtt'),
    (kind('KS'), 'atmqtt: prompt -> data'),
    (kind('R', big=True), 'tty: data -> modem'),
    (kind('T'), 'line: data'),
]

RECEIVE = [
    (kind('T'), 'line: AT+MQTTREAD'),
    (kind('S', '+MQTTREAD:', big=True), 'modem: READ -> response'),
    (kind('W', '+MQTTREAD:', big=True), 'line: response'),
    (kind('S', 'OK'), 'modem: response -> OK'),
    (kind('W', 'OK'), 'line: OK'),
    (kind('KR'), 'tty: OK -> atmqtt'),
    (kind('KS'), 'atmqtt: OK -> next READ'),
    (kind('R', 'AT+MQTTREAD'), 'tty: READ -> modem'),
]


def exchanges(ev, first, steps):
    out = []
    for i, e in enumerate(ev):
        if not first(e):
            continue
        r = chain(ev, i, steps)
        if r and first(ev[r[0]]):
            out.append(r[1])
    return out


def report(name, exs, wire):
    if name not in wire:
        print('%s: atmqtt-bench printed no wire line' % name)
        return
    if len(exs) < 2:
        print('%s: %d exchanges traced, too few' % (name, len(exs)))
        return
    baud, size, nbytes = wire[name]
    periods = [sum(us for _, us in x) for x in exs]
    mean = statistics.mean(periods)
    ideal = nbytes * 10 / baud * 1e6
    print('%s, %d bytes at %d baud: %d exchanges, period mean %.0f us, '
          'median %.0f us; the line allows %.0f us (%.1f %% of the mean)'
          % (name, size, baud, len(exs), mean, statistics.median(periods),
             ideal, 100 * ideal / mean))
    print()
    print('%-30s %8s %8s' % ('segment', 'median', 'mean'))
    labels = [label for label, _ in exs[0]]
    for k, label in enumerate(labels):
        v = [x[k][1] for x in exs]
        print('%-30s %8.0f %8.0f' % (label, statistics.median(v),
                                     statistics.mean(v)))
    print()
    print('%-8s %8s %7s' % ('share', 'mean us', 'period'))
    for group in ('line', 'modem', 'tty', 'atmqtt'):
        v = statistics.mean(sum(us for label, us in x
                                if label.startswith(group + ':'))
                            for x in exs)
        print('%-8s %8.0f %6.1f%%' % (group, v, 100 * v / mean))
    print()


def main():
    ev, wire = load(sys.argv[1] if len(sys.argv) > 1 else
                    'bench/results/profile.log')
    if not ev:
        print('exchanges: no XTRACE lines')
        return 1
    print('==== where the line time goes (bench/exchanges.py; '
          'microseconds, traced)')
    report('publish', exchanges(ev, kind('T', big=True), PUBLISH), wire)
    report('receive', exchanges(ev, kind('R', 'AT+MQTTREAD'), RECEIVE), wire)
    return 0


if __name__ == '__main__':
    sys.exit(main())
