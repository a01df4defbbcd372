#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
faults.py [SIM]: atmqtt-sim's publish log (-P) and its "slowprompt" and
"slowfinal" controls, checked on the pty; also --help and a few older
controls.  Python 3 standard library only; prints TAP, exits 0 when all
pass, 1 otherwise.

SIM is the simulator binary (default: ../atmqtt-sim next to this script).
It needs an MQTT broker: mosquitto on 127.0.0.1:1883 if one listens there,
else one started here on a free port (mosquitto in PATH), else it skips.
"""
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..",
                                                         "atmqtt-sim")
TOPIC = "atmqtt-sim-test/%d" % os.getpid()

results = []


def check(name, cond, diag=""):
    n = len(results) + 1
    results.append(bool(cond))
    if not cond and diag:
        for line in str(diag).splitlines():
            print("# " + line)
    print("%s %d %s" % ("ok" if cond else "not ok", n, name), flush=True)
    return cond


def hexs(b):
    return b.hex() if b else "-"


def broker_up(port):
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sim:
    """atmqtt-sim on a pty, with its control FIFO and publish log."""

    def __init__(self, port, tmp):
        self.ctl = os.path.join(tmp, "ctl")
        self.publog = os.path.join(tmp, "pub")
        self.proc = subprocess.Popen(
            [SIM, "-c", self.ctl, "-P", self.publog, "-b", "127.0.0.1",
             "-p", str(port)], stdout=subprocess.PIPE)
        path = self.proc.stdout.readline().decode().strip()
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.all = b""  # everything received
        self.times = []  # (offset in all, arrival time) per read
        self.pos = 0  # what expect() has consumed

    def write(self, data):
        os.write(self.fd, data)
        return time.monotonic()

    def control(self, cmd):
        fd = os.open(self.ctl, os.O_WRONLY)
        os.write(fd, cmd.encode() + b"\n")
        os.close(fd)
        time.sleep(0.1)

    def pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return False
        data = os.read(self.fd, 4096)
        self.times.append((len(self.all), time.monotonic()))
        self.all += data
        return True

    def at(self, offset):
        """When the byte at offset arrived."""
        t = None
        for off, when in self.times:
            if off > offset:
                break
            t = when
        return t

    def expect(self, pattern, timeout=5.0):
        """Wait for pattern (bytes regex) after what was consumed; consume
        up to its end.  Returns (match, arrival time of its last byte) or
        (None, None)."""
        rx = re.compile(pattern, re.S)
        end = time.monotonic() + timeout
        while True:
            base = self.pos
            m = rx.search(self.all[base:])  # \A: at base
            if m:
                self.pos = base + m.end()
                return m, self.at(self.pos - 1)
            if not self.pump(end - time.monotonic()) and \
                    time.monotonic() >= end:
                return None, None

    def drain(self, secs):
        """Read for secs seconds; returns what came, without the
        +MQTTMSG lines of client 2 (they come when the broker likes)."""
        start = len(self.all)
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.pump(end - time.monotonic())
        return re.sub(rb"\r\n\+MQTTMSG: [^\r\n]*\r\n", b"",
                      self.all[start:])

    def rest(self):
        return self.all[self.pos:]

    def skip(self):
        self.pos = len(self.all)

    def seen(self, what, timeout=3.0, after=0):
        """what appears anywhere in the transcript (e.g. a +MQTTMSG), or
        anywhere past offset after."""
        end = time.monotonic() + timeout
        while self.all.find(what, after) < 0:
            if not self.pump(end - time.monotonic()) and \
                    time.monotonic() >= end:
                return False
        return True

    def delivered(self, topic, payload):
        """Client 2 received payload on topic."""
        return self.seen(b',"%s","%s"\r\n' % (topic.encode(), payload))

    def publog_lines(self):
        try:
            with open(self.publog, "rb") as f:
                return f.read().decode().splitlines()
        except FileNotFoundError:
            return []

    def stop(self):
        os.close(self.fd)
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def pub_line(client, qos, retain, topic, payload):
    return "PUB %d %d %d %s %s" % (client, qos, retain,
                                   hexs(topic.encode()), hexs(payload))


def test_help():
    r = subprocess.run([SIM, "--help"], capture_output=True)
    text = (r.stdout + r.stderr).decode()
    opts = ["--control", "--log", "--publog", "--link", "--no-echo",
            "--break-close", "--broker", "--port", "--baud", "--trace",
            "--verbose", "--help"]
    missing = [o for o in opts if o not in text]
    check("help_exits_0_and_explains_every_option",
          r.returncode == 0 and not missing,
          "rc %d, missing %s" % (r.returncode, missing))
    r = subprocess.run([SIM, "--no-such-option"], capture_output=True)
    check("bad_option_exits_2", r.returncode == 2, "rc %d" % r.returncode)
    r = subprocess.run([SIM, "-p", "0"], capture_output=True)
    check("bad_port_exits_2", r.returncode == 2, "rc %d" % r.returncode)


def run(sim):
    ok_ = rb"\r\nOK\r\n"
    topic = TOPIC

    # Client 1 publishes; client 2 receives everything under TOPIC.
    sim.write(b'AT+MQTTOPEN=1,"127.0.0.1",1883,1,60\r')
    m, _ = sim.expect(rb"\+MQTTOPEN: 1,(\d)\r\n", 15)
    if not check("open_client_1", m and m.group(1) == b"1", sim.rest()):
        return
    sim.write(b'AT+MQTTOPEN=2,"127.0.0.1",1883,1,60\r')
    m, _ = sim.expect(rb"\+MQTTOPEN: 2,(\d)\r\n", 15)
    sim.write(b'AT+MQTTSUB=2,"%s/#",2\r' % topic.encode())
    m2, _ = sim.expect(rb"\+MQTTSUB: 2,(\d)\r\n")
    check("open_and_subscribe_client_2",
          m and m.group(1) == b"1" and m2 and m2.group(1) == b"1",
          sim.rest())
    published = []

    # A quoted publish.
    t = topic + "/q"
    sim.write(b'AT+MQTTPUB=1,"%s",0,0,"hello"\r' % t.encode())
    m, _ = sim.expect(ok_ + rb".*?\+MQTTPUB: 1,1\r\n")
    want = pub_line(1, 0, 0, t, b"hello")
    published.append(want)
    check("quoted_publish_logged_before_its_urc",
          m and want in sim.publog_lines(), sim.publog_lines())
    check("quoted_publish_reached_the_broker",
          sim.seen(b'+MQTTMSG: 2,0,"%s","hello"' % t.encode()))

    # An empty payload, qos 2, retain 1 (clears any retained message).
    t = topic + "/e"
    sim.write(b'AT+MQTTPUB=1,"%s",2,1,""\r' % t.encode())
    m, _ = sim.expect(ok_ + rb".*?\+MQTTPUB: 1,1\r\n")
    want = pub_line(1, 2, 1, t, b"")
    published.append(want)
    check("empty_payload_logged_as_dash_qos2_retain1",
          m and want in sim.publog_lines() and want.endswith(" -"),
          sim.publog_lines())
    check("empty_payload_reached_the_broker", sim.delivered(t, b""))

    # A <Datasize> publish, qos 1, binary data.
    t = topic + "/d"
    data = b'\x00\r\n"\xff'
    sim.write(b'AT+MQTTPUB=1,"%s",1,0,%d\r' % (t.encode(), len(data)))
    m, _ = sim.expect(rb">\r\n")
    sim.write(data)
    m2, _ = sim.expect(ok_ + rb".*?\+MQTTPUB: 1,1\r\n")
    want = pub_line(1, 1, 0, t, data)
    published.append(want)
    check("datasize_publish_logged_byte_exact",
          m and m2 and want in sim.publog_lines(),
          "%r\n%r" % (sim.publog_lines(), sim.rest()))
    check("datasize_publish_reached_the_broker",
          sim.seen(b'+MQTTMSG: 2,1,"%s","%s"' % (t.encode(), data)))

    # slowprompt: the bytes right after the CR are the payload, although
    # the '>' comes 1.5 s later; a command after the data waits its turn.
    sim.control("slowprompt 1500")
    t = topic + "/s"
    secret = b'AT+MQTTUSER=1,"bob","SECRETPW2"\r'
    data = secret + b"AT\rAT\rAT\r"
    sim.skip()
    t0 = sim.write(b'AT+MQTTPUB=1,"%s",0,0,%d\r' % (t.encode(), len(data)))
    sim.write(data)
    sim.write(b"AT+MQTTCONF?\r")
    early = sim.drain(1.2)
    check("slowprompt_nothing_but_echo_before_the_prompt",
          early == b'AT+MQTTPUB=1,"%s",0,0,%d\r' % (t.encode(), len(data)),
          repr(early))
    m, when = sim.expect(rb">\r\n", 5)
    check("slowprompt_prompt_after_1500ms",
          m and 1.4 <= when - t0 <= 3.0,
          "after %s s" % (when - t0 if when else None))
    m, _ = sim.expect(rb"\A\r\nOK\r\n")
    check("slowprompt_ok_right_after_the_prompt", m, repr(sim.rest()))
    m, _ = sim.expect(rb"AT\+MQTTCONF\?\r\r\n\+MQTTCONF: \d\r\n\r\nOK\r\n")
    check("slowprompt_next_command_answered_after_the_publish", m,
          repr(sim.rest()))
    want = pub_line(1, 0, 0, t, data)
    published.append(want)
    check("slowprompt_data_published_and_logged",
          want in sim.publog_lines() and
          sim.seen(b'"%s","%s"' % (t.encode(), data)), sim.publog_lines())
    # This publish's URC, not an earlier one's: after its prompt, however
    # late the broker's side makes it.
    check("slowprompt_urc_after_the_prompt",
          sim.seen(b"+MQTTPUB: 1,1", after=sim.all.rfind(b">\r\n")))
    sim.skip()
    sim.write(b"AT+MQTTUSER?\r")
    m, _ = sim.expect(rb"AT\+MQTTUSER\?\r(.*?)\r\nOK\r\n")
    check("slowprompt_data_not_run_as_a_command",
          m and b"bob" not in m.group(1), repr(sim.rest()))

    # slowprompt, part of the data before the prompt and part after.
    sim.control("slowprompt 500")
    t = topic + "/p"
    sim.skip()
    t0 = sim.write(b'AT+MQTTPUB=1,"%s",0,0,5\rab' % t.encode())
    m, when = sim.expect(rb">\r\n", 5)
    check("slowprompt_partial_data_prompt_after_500ms",
          m and 0.45 <= when - t0 <= 2.0 and b"OK" not in sim.rest(),
          "after %s s, %r" % (when - t0 if when else None, sim.all[-40:]))
    sim.write(b"cde")
    m, _ = sim.expect(ok_ + rb".*?\+MQTTPUB: 1,1\r\n")
    want = pub_line(1, 0, 0, t, b"abcde")
    published.append(want)
    check("slowprompt_partial_data_published",
          m and want in sim.publog_lines() and
          sim.delivered(t, b"abcde"), sim.publog_lines())

    # slowfinal on a query, AT right behind it.
    sim.control("slowfinal 1000")
    sim.skip()
    t0 = sim.write(b"AT+MQTTCONF?\r")
    sim.write(b"AT\r")
    early = sim.drain(0.8)
    check("slowfinal_only_the_echo_at_first", early == b"AT+MQTTCONF?\r",
          repr(early))
    sim.skip()
    m, when = sim.expect(rb"\A\r\n\+MQTTCONF: \d\r\n\r\nOK\r\n", 5)
    check("slowfinal_response_after_1000ms",
          m and 0.95 <= when - t0 <= 2.5,
          "after %s s, %r" % (when - t0 if when else None, sim.rest()))
    m, _ = sim.expect(rb"\AAT\r\r\nOK\r\n")
    check("slowfinal_next_command_after_it", m, repr(sim.rest()))

    # slowfinal on a publish: the OK and the result URC both late.
    sim.control("slowfinal 800")
    t = topic + "/f"
    sim.skip()
    t0 = sim.write(b'AT+MQTTPUB=1,"%s",0,0,"late"\r' % t.encode())
    sim.write(b"AT\r")
    time.sleep(0.4)
    want = pub_line(1, 0, 0, t, b"late")
    check("slowfinal_publish_not_yet_done",
          want not in sim.publog_lines(), sim.publog_lines())
    m, when = sim.expect(rb"\r\nOK\r\n", 5)
    check("slowfinal_publish_ok_after_800ms",
          m and 0.75 <= when - t0 <= 2.5,
          "after %s s" % (when - t0 if when else None))
    m, _ = sim.expect(rb"AT\r\r\nOK\r\n")
    check("slowfinal_then_the_next_command", m, repr(sim.rest()))
    published.append(want)
    check("slowfinal_publish_urc_and_log",
          sim.seen(b"+MQTTPUB: 1,1") and want in sim.publog_lines() and
          sim.delivered(t, b"late"), sim.publog_lines())

    # slowfinal on a <Datasize> publish with its data and a command sent
    # at once: the data is still the payload, the command comes after.
    sim.control("slowfinal 600")
    t = topic + "/g"
    sim.skip()
    t0 = sim.write(b'AT+MQTTPUB=1,"%s",0,0,4\rwxyzAT\r' % t.encode())
    m, when = sim.expect(rb">\r\n\r\nOK\r\n", 5)
    check("slowfinal_datasize_prompt_late_then_ok",
          m and 0.55 <= when - t0 <= 2.5,
          "after %s s, %r" % (when - t0 if when else None, sim.rest()))
    m, _ = sim.expect(rb"AT\r\r\nOK\r\n")
    want = pub_line(1, 0, 0, t, b"wxyz")
    published.append(want)
    check("slowfinal_datasize_published_then_next_command",
          m and want in sim.publog_lines() and sim.delivered(t, b"wxyz"),
          sim.publog_lines())

    # 0 disarms them.
    sim.control("slowfinal 500")
    sim.control("slowfinal 0")
    sim.skip()
    t0 = sim.write(b"AT\r")
    m, when = sim.expect(ok_)
    check("slowfinal_0_disarms", m and when - t0 < 0.4)

    # Older controls still behave.
    sim.control("nofinal")
    sim.skip()
    sim.write(b"AT\r")
    late = sim.drain(0.5)
    sim.write(b"AT\r")
    m, _ = sim.expect(ok_)
    check("nofinal_still_works", late == b"AT\r" and m, repr(late))
    sim.control("mute")
    sim.skip()
    sim.write(b"AT\r")
    late = sim.drain(0.4)
    sim.control("unmute")
    sim.write(b"AT\r")
    m, _ = sim.expect(ok_)
    check("mute_unmute_still_work", late == b"" and m, repr(late))
    sim.control("delay pub 500")
    t = topic + "/l"
    sim.skip()
    t0 = sim.write(b'AT+MQTTPUB=1,"%s",0,0,"x"\r' % t.encode())
    m, w1 = sim.expect(ok_)
    m2, w2 = sim.expect(rb"\+MQTTPUB: 1,1\r\n")
    published.append(pub_line(1, 0, 0, t, b"x"))
    check("delay_still_works",
          m and m2 and w1 - t0 < 0.4 and w2 - t0 >= 0.45 and
          sim.delivered(t, b"x"), "%s %s" % (w1, w2))
    sim.control("noprompt")
    sim.skip()
    sim.write(b'AT+MQTTPUB=1,"%s",0,0,3\r' % t.encode())
    late = sim.drain(0.4)
    sim.write(b"AT\r")
    m, _ = sim.expect(ok_)
    check("noprompt_still_works", b">" not in late and m, repr(late))

    # A refused publish (wildcard topic) is not logged.
    sim.write(b'AT+MQTTPUB=1,"%s/+",0,0,"w"\r' % topic.encode())
    m, _ = sim.expect(rb"\+MQTTPUB: 1,0\r\n")
    check("refused_publish_not_logged",
          m and not any(l.endswith(" 77") for l in sim.publog_lines()),
          sim.publog_lines())

    lines = sim.publog_lines()
    rx = re.compile(r"^PUB [12] [0-2] [01] ([0-9a-f]{2})+ "
                    r"(([0-9a-f]{2})+|-)$")
    check("publog_one_line_per_publish_in_order",
          lines == published, "\n".join(lines + ["--"] + published))
    check("publog_lines_well_formed", all(rx.match(l) for l in lines),
          "\n".join(lines))


def main():
    print("TAP version 13")
    if not os.access(SIM, os.X_OK):
        print("1..0 # SKIP %s not built" % SIM)
        return 0
    broker = None
    port = 1883
    if not broker_up(port):
        if not shutil.which("mosquitto"):
            print("1..0 # SKIP no broker on 127.0.0.1:1883, no mosquitto")
            return 0
        port = free_port()
        broker = subprocess.Popen(["mosquitto", "-p", str(port)],
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        for _ in range(50):
            if broker_up(port):
                break
            time.sleep(0.1)
    tmp = tempfile.mkdtemp(prefix="atmqtt-sim-test.")
    sim = None
    try:
        test_help()
        sim = Sim(port, tmp)
        run(sim)
    finally:
        if sim:
            check("sim_exits_0_on_sigterm", sim.stop() == 0)
        if broker:
            broker.terminate()
            broker.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    fails = results.count(False)
    print("1..%d" % len(results))
    print("# Totals: pass:%d fail:%d" % (len(results) - fails, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
