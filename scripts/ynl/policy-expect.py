#!/usr/bin/python3
# policy-expect.py SPEC OUT: the policy the kernel's family must have, as
# its spec's checks say, in a C header for selftests/ynl/policy_test.c,
# which compares it with the family's policy dump (CTRL_CMD_GETPOLICY) in
# the VM.  Version 2 of the family has nested attribute sets, so the rows
# are per attribute space ("space"): the top level (the spec's "attrs",
# whose policies are the operations' do and dump policies in the dump) and
# every set a request's nest leads to (the dump lists each nested policy
# by index, NL_POLICY_TYPE_ATTR_POLICY_IDX of the nest's rule).
#
# Which attributes a request takes:
#   top level: every attribute of an operation's do or dump request;
#   a nested set reached from one of those: the attributes with checks.
#     YNL lists no nested attributes per operation, so the spec says it
#     in its docs: every other attribute of such a set, and every top-level
#     attribute no request lists, says "Kernel only." in its doc (or in
#     its set's doc; a pad is never taken), and this script refuses a spec where the two
#     disagree.
# One row per attribute taken, in the form of the dump:
#   an integer: NL_ATTR_TYPE_U8..U64, its minimum and maximum (checks' min
#     and max, else the type's whole range);
#   a string or a binary: NL_ATTR_TYPE_STRING/BINARY, its min-len and
#     max-len (MIN_LENGTH, MAX_LENGTH in the dump; 0 for none).  The
#     family's validate functions (a quoted string's characters and
#     minimum, a RAW line's form) are no part of a policy dump: the spec
#     says them in doc text, selftests/atmqtt/bounds_test.c tests them;
#   a nest: NL_ATTR_TYPE_NESTED and the space it leads to.
# Every other attribute is the kernel's own (NLA_UNSPEC in the policy), so
# absent from the dump.
import sys
import yaml

INT_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff,
           "u64": 0xffffffffffffffff}
NL_TYPE = {"u8": "NL_ATTR_TYPE_U8", "u16": "NL_ATTR_TYPE_U16",
           "u32": "NL_ATTR_TYPE_U32", "u64": "NL_ATTR_TYPE_U64",
           "string": "NL_ATTR_TYPE_STRING", "binary": "NL_ATTR_TYPE_BINARY",
           "nest": "NL_ATTR_TYPE_NESTED"}
KERNEL_ONLY = "Kernel only."


def cname(s):
    return s.upper().replace("-", "_")


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    consts = {d["name"]: d["value"] for d in spec.get("definitions", [])
              if d.get("type") == "const"}
    sets = {s["name"]: s for s in spec["attribute-sets"]}

    def limit(v):
        return consts[v] if isinstance(v, str) else int(v)

    def fail(msg):
        sys.exit("policy-expect.py: " + msg)

    def kernel_only(aset, a):
        return a["type"] == "pad" or KERNEL_ONLY in a.get("doc", "") or \
            KERNEL_ONLY in aset.get("doc", "")

    top = "attrs"
    taken = {top: set()}
    for op in spec["operations"]["list"]:
        for mode in ("do", "dump"):
            if mode not in op:
                continue
            if op.get("attribute-set") != top:
                fail("%s: attribute-set is not %s" % (op["name"], top))
            taken[top].update(op[mode].get("request", {})
                              .get("attributes", []))
    # The spaces, in the order the nests lead to them.
    order = [top]
    for sname in order:
        aset = sets[sname]
        names = [a["name"] for a in aset["attributes"]]
        if sname != top:
            taken[sname] = {a["name"] for a in aset["attributes"]
                            if "checks" in a}
        for a in aset["attributes"]:
            took = a["name"] in taken[sname]
            if took == kernel_only(aset, a):
                fail("%s.%s: %s, but its doc %s \"%s\"" %
                     (sname, a["name"],
                      "taken by a request" if took else "taken by none",
                      "says" if took else "does not say", KERNEL_ONLY))
            if took and a["type"] == "nest":
                nested = a["nested-attributes"]
                if nested in order:
                    fail("%s: reached twice" % nested)
                order.append(nested)
        unknown = taken[sname] - set(names)
        if unknown:
            fail("%s: no attributes %s" % (sname, sorted(unknown)))

    rows = []
    for sname in order:
        aset = sets[sname]
        prefix = aset["name-prefix"]
        for a in aset["attributes"]:
            if a["name"] not in taken[sname]:
                continue
            name = cname(prefix + a["name"])
            t = a["type"]
            checks = a.get("checks", {})
            unknown = set(checks) - {"min", "max", "min-len", "max-len"}
            if unknown or t not in NL_TYPE:
                fail("%s: %s %s not handled" % (name, t, sorted(unknown)))
            lo = hi = minlen = maxlen = 0
            nested = "-1"
            if t in INT_MAX:
                lo = limit(checks.get("min", 0))
                hi = limit(checks.get("max", INT_MAX[t]))
            elif t == "nest":
                nested = "SPACE_" + cname(a["nested-attributes"])
            else:
                minlen = limit(checks.get("min-len", 0))
                maxlen = limit(checks.get("max-len", 0))
            rows.append('\t{ SPACE_%s, %s, "%s", %s, %uULL, %uULL, %u, %u, %s },'
                        % (cname(sname), name, name, NL_TYPE[t], lo, hi,
                           minlen, maxlen, nested))

    with open(sys.argv[2], "w") as f:
        f.write("/* Generated by scripts/ynl/policy-expect.py from %s. */\n"
                % sys.argv[1])
        f.write("enum policy_space {\n")
        for sname in order:
            f.write("\tSPACE_%s,\n" % cname(sname))
        f.write("\tN_SPACES\n};\n\n")
        f.write("static const char *const space_name[N_SPACES] = {\n")
        for sname in order:
            f.write('\t"%s",\n' % sname)
        f.write("};\n\n")
        f.write("/* The highest attribute type of each space. */\n")
        f.write("static const int space_max[N_SPACES] = {\n")
        for sname in order:
            f.write("\t%s,\n" % cname(sets[sname]["attr-max-name"]))
        f.write("};\n\n")
        f.write("static const struct policy_expect policy_expect[] = {\n")
        f.write("\n".join(rows) + "\n};\n")


if __name__ == "__main__":
    main()
