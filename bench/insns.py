#!/usr/bin/env python3
"""make bench-insns: the instructions of one latency sample, by function.

bench/insns.py KSYMS KERNEL.txt[:S] KERNEL.log USER.txt[:S] USER.log [TOP]

KSYMS: the guest kernel's text symbols (/proc/kallsyms, nokaslr);
*.txt: what qemu's insns.so plugin counted in the windows (the publish or the
receive samples), by side
(W side windows, D side distinct blocks run, T side address instructions
executions translations), :S the side to read (A when not given); *.log:
that VM's console, whose KSYM lines name the module's functions at their
address of that boot.
Prints, per side, instructions per sample in user space, in the kernel and
in the module, the translated blocks run, distinct and translated anew,
then the functions whose count differs most between the
sides, per sample (kernel side minus baseline).
"""
import bisect
import re
import sys

KERNEL_SPACE = 0xffff800000000000


def symbols(path, prefix=""):
    """(address, name) of each text symbol, module symbols as [mod]name."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if prefix:
                if not line.startswith(prefix):
                    continue
                line = line[len(prefix):]
            m = re.match(r"([0-9a-f]{16}) [tT] (\S+)(?:\s+\[(\w+)\])?", line)
            if m:
                name = m.group(2)
                if m.group(3):
                    name = "[%s]%s" % (m.group(3), name)
                out.append((int(m.group(1), 16), name))
    return out


def side(spec, log, ksyms):
    counts, _, want = spec.partition(":")
    want = want or "A"
    table = sorted(ksyms + symbols(log, "KSYM "))
    addrs = [a for a, _ in table]
    windows = 0
    by_fn = {}
    calls = {}
    steady = {}     # blocks executed at least half as often as samples
    tcg = {"blocks": 0, "distinct": 0, "translated": 0}
    blocks = []
    with open(counts) as f:
        for line in f:
            w = line.split()
            if w[1] != want:
                continue
            if w[0] == "W":
                windows = int(w[2])
                continue
            if w[0] == "D":
                tcg["distinct"] = int(w[2])
                continue
            addr, n, execs = int(w[2], 16), int(w[3]), int(w[4])
            tcg["blocks"] += execs
            tcg["translated"] += int(w[5]) if len(w) > 5 else 0
            if addr < KERNEL_SPACE:
                fn = "(user space)"
            else:
                i = bisect.bisect_right(addrs, addr) - 1
                fn = table[i][1] if i >= 0 else "(unknown)"
                if i >= 0 and table[i][0] == addr:
                    calls[fn] = calls.get(fn, 0) + execs
            by_fn[fn] = by_fn.get(fn, 0) + n
            blocks.append((fn, execs))
    if not windows:
        sys.exit("%s: no window closed" % spec)
    for fn, execs in blocks:
        if 2 * execs >= windows:
            steady[fn] = steady.get(fn, 0) + 1
    return ({k: v / windows for k, v in by_fn.items()},
            {k: v / windows for k, v in calls.items()}, windows,
            {k: v / windows for k, v in tcg.items()}, steady)


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    top = int(sys.argv[6]) if len(sys.argv) > 6 else 40
    ksyms = symbols(sys.argv[1])
    k, kc, kw, kt, kb = side(sys.argv[2], sys.argv[3], ksyms)
    u, uc, uw, ut, ub = side(sys.argv[4], sys.argv[5], ksyms)

    def parts(d):
        user = d.get("(user space)", 0)
        mod = sum(v for f, v in d.items() if f.startswith("[atmqtt]"))
        return user, sum(d.values()) - user - mod, mod

    print("Instructions per sample (qemu insns.so; %d and %d samples)"
          % (kw, uw))
    print()
    print("%-14s %10s %10s %10s %10s" % ("side", "user", "kernel", "module",
                                        "total"))
    for name, d in (("kernel path", k), ("baseline", u)):
        us, ks, ms = parts(d)
        print("%-14s %10.0f %10.0f %10.0f %10.0f" % (name, us, ks, ms,
                                                    us + ks + ms))
    print()
    print("Translated blocks per sample: run, distinct, translated anew")
    print("(what qemu's own work follows besides the instructions)")
    print()
    print("%-14s %10s %10s %10s" % ("side", "run", "distinct", "translated"))
    for name, t in (("kernel path", kt), ("baseline", ut)):
        print("%-14s %10.0f %10.0f %10.2f" % (name, t["blocks"],
                                             t["distinct"],
                                             t["translated"]))
    print()
    print("Blocks executed at least once every two samples, by function")
    print("(where the distinct blocks are):")
    print()
    print("%-14s %10s %10s %10s %10s %10s" % ("side", "user", "kernel",
                                             "module", "total", "own"))
    for name, d, o in (("kernel path", kb, ub), ("baseline", ub, kb)):
        b_user, b_kern, b_mod = parts(d)
        own = sum(v for f, v in d.items() if f not in o)
        print("%-14s %10d %10d %10d %10d %10d" % (name, b_user, b_kern,
                                                 b_mod, sum(d.values()),
                                                 own))
    print("(own: in functions the other side does not run)")
    print()
    print("%9s %9s %9s  %s" % ("kernel", "baseline", "diff", "function"))
    bdiff = sorted(set(kb) | set(ub),
                   key=lambda f: -abs(kb.get(f, 0) - ub.get(f, 0)))
    for f in bdiff[:top // 2]:
        print("%9d %9d %+9d  %s" % (kb.get(f, 0), ub.get(f, 0),
                                    kb.get(f, 0) - ub.get(f, 0), f))
    print()
    print("Functions by difference, kernel path minus baseline, per sample")
    print("(instructions, and calls: executions of the function's first block):")
    print()
    print("%9s %9s %9s %7s %7s  %s" % ("kernel", "baseline", "diff",
                                       "calls", "calls", "function"))
    diff = sorted(set(k) | set(u),
                  key=lambda f: -abs(k.get(f, 0) - u.get(f, 0)))
    for f in diff[:top]:
        print("%9.0f %9.0f %+9.0f %7.1f %7.1f  %s"
              % (k.get(f, 0), u.get(f, 0), k.get(f, 0) - u.get(f, 0),
                 kc.get(f, 0), uc.get(f, 0), f))


if __name__ == "__main__":
    main()
