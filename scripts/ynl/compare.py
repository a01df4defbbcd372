#!/usr/bin/python3
# compare.py OURS GENERATED: every constant of two UAPI headers, by value.
# The names come from the headers' #defines and enums; the values from
# compiling one small C program per header (the names clash, so never in
# one).  Exit 1 on a name in one header only or a value that differs, except
# the names listed in ONLY_OURS.
import re
import subprocess
import sys
import tempfile
import os

# The hand-written header starts every attribute enum, the command enum and
# the event enum with an UNSPEC entry of value 0; the generator leaves it
# out (its first value is 1 all the same).  Nothing else may be listed here.
ONLY_OURS = {"ATMQTT_CMD_UNSPEC", "ATMQTT_EVT_UNSPEC", "ATMQTT_A_UNSPEC"} | {
    "ATMQTT_A_%s_UNSPEC" % s for s in ("MODEM", "STATS", "LIMITS", "CLIENT",
                                       "USER", "MSG", "ENTRY", "ERROR",
                                       "RECONNECT")}


def names(path):
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    found = {}
    for m in re.finditer(r"^#define\s+([A-Z_][A-Z0-9_]*)\s+(.+)$", text, re.M):
        if m.group(1).startswith("_UAPI_"):
            continue
        found[m.group(1)] = m.group(2).strip()
    for block in re.findall(r"enum\s+\w+\s*\{(.*?)\}", text, re.S):
        for m in re.finditer(r"^\s*([A-Z_][A-Z0-9_]*)\s*(=|,|$)", block, re.M):
            found.setdefault(m.group(1), None)
    return found


def values(path, found):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "v.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\n#include "%s"\nint main(void)\n{\n'
                    % os.path.abspath(path))
            for n, v in sorted(found.items()):
                if v is not None and v.startswith('"'):
                    f.write('\tprintf("%%s %%s\\n", "%s", %s);\n' % (n, n))
                else:
                    f.write('\tprintf("%%s %%lld\\n", "%s", (long long)(%s));\n'
                            % (n, n))
            f.write("\treturn 0;\n}\n")
        exe = os.path.join(d, "v")
        subprocess.run(["cc", "-o", exe, src], check=True)
        out = subprocess.run([exe], check=True, capture_output=True,
                             text=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def main():
    ours, gen = sys.argv[1], sys.argv[2]
    a = values(ours, names(ours))
    b = values(gen, names(gen))
    bad = 0
    for n in sorted(set(a) | set(b)):
        if n in a and n not in b:
            if n in ONLY_OURS:
                continue
            print("# only in %s: %s" % (ours, n))
            bad = 1
        elif n in b and n not in a:
            print("# only in the spec: %s" % n)
            bad = 1
        elif a[n] != b[n]:
            print("# %s: %s in %s, %s from the spec" % (n, a[n], ours, b[n]))
            bad = 1
    print("# %d constants compared" % len(set(a) & set(b)))
    return bad


if __name__ == "__main__":
    sys.exit(main())
