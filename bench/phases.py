#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Split each publish of make bench's latency test into its phases.

Input: the TRACE lines of make bench-profile (ftrace in the VM: scheduler
events, system calls, works, and atmqtt-bench -t's PUBSTART/PUBDONE markers
around each sample).  For every sample of either side (the kernel path, the
userspace baseline):

  request   marker -> the agent's request system call starts
            (kernel: send or sendmsg on the netlink socket; user: write to
            the tty)
  to_sim    -> the simulator's read() of the command returns
  sim       -> the simulator has written "\r\n+MQTTPUB: 1,1\r\n" (one write)
              (simulator and broker; the same work on both sides)
  to_agent  -> the agent writes its "D 0" line (the kernel path: parsing,
              wake-up, netlink reply and ack, libnl; the baseline: N_TTY,
              read() and parsing in the agent)
  back      -> marker (pipe to the benchmark; the same on both sides)

Prints the median of each phase per side and the ratio kernel/user.
"""
import re
import statistics
import sys

LINE = re.compile(r'^TRACE\s+(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (.*)$')
PHASES = ('request', 'to_sim', 'sim', 'to_agent', 'back', 'total')
SYS_WRITE, SYS_READ, SYS_SENDTO, SYS_SENDMSG = 1, 0, 44, 46


def samples(lines):
    cur = None
    for raw in lines:
        m = LINE.match(raw)
        if not m:
            continue
        comm, pid, t, ev = m.group(1), int(m.group(2)), float(m.group(3)), m.group(4)
        t *= 1e6
        if 'PUBSTART' in ev:
            side, i = ev.split()[-2:]
            cur = {'side': side, 'i': int(i), 'start': t, 'bench': pid, 'ev': []}
        elif cur and 'PUBDONE' in ev:
            cur['end'] = t
            yield cur
            cur = None
        elif cur:
            cur['ev'].append((t, comm, pid, ev))


def syscall(ev, kind, nr):
    m = re.match(r'sys_%s: NR (\d+) (.*)' % kind, ev)
    return m and int(m.group(1)) == nr and m.group(2)


def phases(s):
    ev = s['ev']

    def first(after, pred):
        for e in ev:
            if e[0] >= after and pred(e):
                return e
        return None

    def is_request(e):
        if e[1] != 'atmqtt-bench' or e[2] == s['bench']:
            return False
        if s['side'] == 'kernel':
            # libatmqtt sends each request with send() (sendto), libnl
            # with sendmsg()
            return (syscall(e[3], 'enter', SYS_SENDTO) or
                    syscall(e[3], 'enter', SYS_SENDMSG))
        args = syscall(e[3], 'enter', SYS_WRITE)
        return args and not args.startswith('(1,')

    req = first(0, is_request)
    if not req:
        return None
    agent = req[2]
    sim_read = first(req[0], lambda e: e[1] == 'atmqtt-sim' and
                     (syscall(e[3], 'exit', SYS_READ) or '= 0').strip('= ') != '0')
    if not sim_read:
        return None
    # "\r\n+MQTTPUB: 1,1\r\n", 17 (0x11) bytes in one write()
    urc = first(sim_read[0], lambda e: e[2] != agent and
                re.match(r'sys_enter: NR 1 \([0-9a-f]+, [0-9a-f]+, 11,', e[3]))
    if not urc:
        return None
    urc_end = first(urc[0], lambda e: e[2] == urc[2] and
                    e[3].startswith('sys_exit: NR 1 = 17'))
    if not urc_end:
        return None
    done = first(urc_end[0], lambda e: e[2] == agent and
                 (syscall(e[3], 'enter', SYS_WRITE) or '').startswith('(1,'))
    if not done:
        return None
    return {
        'request': req[0] - s['start'],
        'to_sim': sim_read[0] - req[0],
        'sim': urc_end[0] - sim_read[0],
        'to_agent': done[0] - urc_end[0],
        'back': s['end'] - done[0],
        'total': s['end'] - s['start'],
    }


def main():
    got = {'kernel': {p: [] for p in PHASES}, 'user': {p: [] for p in PHASES}}
    skipped = 0
    with open(sys.argv[1], errors='replace') as f:
        for s in samples(f):
            if s['i'] < 0 or s['side'] not in got:
                continue
            ph = phases(s)
            if not ph:
                skipped += 1
                continue
            for p in PHASES:
                got[s['side']][p].append(ph[p])
    n = {side: len(got[side]['total']) for side in got}
    if not n['kernel'] or not n['user']:
        sys.exit('phases.py: no complete sample of one side')
    print('publish latency by phase, median us (kernel n=%d, user n=%d, '
          '%d incomplete)' % (n['kernel'], n['user'], skipped))
    print('%-10s %8s %8s %7s' % ('phase', 'kernel', 'user', 'ratio'))
    for p in PHASES:
        k = statistics.median(got['kernel'][p])
        u = statistics.median(got['user'][p])
        print('%-10s %8.0f %8.0f %7.2f' % (p, k, u, k / u if u else 0))


if __name__ == '__main__':
    main()
