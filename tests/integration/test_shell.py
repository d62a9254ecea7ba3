# SPDX-License-Identifier: BSD-2-Clause
"""The operator shell on the serial console."""
import re

from qemu import Qemu, udp_echo, wait_echo

UP = "\x1b[A"


def run(q, command, expect, timeout=5):
    q.send(command + "\r")
    return q.wait_for(expect, timeout=timeout)


def answer(q, command, timeout=5):
    """Run command and return what it printed up to the next prompt."""
    mark = len(q.output())
    q.send(command + "\r")
    q.wait_for(r"(?s).{%d}.*\n> $" % mark, timeout=timeout)
    out = q.output()[mark:]
    return out[out.index("\n") + 1:out.rindex("\n> ")]


def test_shell_commands_and_poweroff():
    with Qemu(stdin=True, bootargs="store.port=7000") as q:  # "regions" lists the store
        wait_echo(q)
        run(q, "help", r"poweroff\s+shut down")
        run(q, "stats", r"eth0: link up, rx \d+ frames")
        run(q, "net", r"10\.0\.2\.15")
        run(q, "pci", r"8086:100e")
        run(q, "mem", r"mbufs: \d+ total, \d+ free")
        run(q, "regions", r"ffffffc000000000")
        run(q, "log 3", r"log level 3")
        run(q, "bogus", r"unknown command 'bogus'")
        # line editing: backspace removes the typo, Ctrl-U drops a line
        run(q, "helx\x7fp", r"(?s)helx.*regions\s+mapped")
        q.send("garbage\x15")
        run(q, "uptime", r"up \d+\.\d{3} s")
        # without -icount instret follows host time: it must say that the count is not exact
        run(q, "bench instret", r"bench instret: loop of 2000000 instructions, "
            r"instret counted \d+ \(NOT exact: .*-icount shift=0\)")
        assert udp_echo(q.echo_port, b"still echoing") == b"still echoing"
        q.send("poweroff\r")
        assert q.wait_exit(timeout=10) == 0


def test_prompt_history_and_argument_errors():
    with Qemu(stdin=True) as q:
        # a prompt once the loop runs, and log lines that come later start on a line of their own
        q.wait_for(r"shell: ready; 'help' lists the commands\n> ", timeout=30)
        wait_echo(q)
        assert re.search(r"\n\[ *\d+\.\d+\] echo: serving", q.output()), q.output()[-800:]
        assert "> [" not in q.output()
        # bad arguments are refused with the usage, never run or ignored
        assert answer(q, "log 9") == "log: '9' is not a level (0 error, 1 warning, 2 info, " \
            "3 debug)"
        assert answer(q, "log 2 3") == "log: too many arguments (usage: log [0-3])"
        assert answer(q, "mem now") == "mem: too many arguments (usage: mem)"
        assert answer(q, "bench") == "bench: missing argument (usage: bench region [dev]|instret)"
        assert answer(q, "bench nothing") == "bench: unknown benchmark 'nothing' (region or instret)"
        assert answer(q, "log 1") == "log level 1 (warning)"
        # an over-long line is refused, not cut and run
        long = "log " + "3" * 90
        assert answer(q, long) == "shell: line longer than 79 characters: not run"
        assert answer(q, "log") == "log level 1 (warning)"
        # Up recalls the last lines (the refused one was not kept): "log", then "log 1"
        assert answer(q, UP + UP) == "log level 1 (warning)"
        out = answer(q, UP + UP + UP + UP + UP + UP + UP + UP)  # eight back: "log 9"
        assert out.endswith("log: '9' is not a level (0 error, 1 warning, 2 info, 3 debug)"), out
        # an unknown escape sequence (F5) is not typed into the line
        assert answer(q, "\x1b[15~log") == "log level 1 (warning)"


def test_dmesg_keeps_debug_lines_the_console_hid():
    with Qemu(stdin=True, bootargs="loglevel=2") as q:
        wait_echo(q)
        assert "dhcp: selecting -> requesting" not in q.output()
        out = answer(q, "dmesg")
        for needle in [r"^\[ *\d+\.\d{6}\] unikernel ", r"^\[ *\d+\.\d{6}\] page: \d+ MiB free",
                       r"^\[ *\d+\.\d{6}\] pci 00:01\.0: 8086:100e matches driver e1000",
                       r"^\[ *\d+\.\d{6}\] eth0: registers at ",
                       r"^\[ *\d+\.\d{6}\] dhcp: selecting -> requesting",
                       r"^\[ *\d+\.\d{6}\] dhcp: requesting -> bound",
                       r"^\[ *\d+\.\d{6}\] echo: serving"]:
            assert re.search(needle, out, re.M), "%r not in dmesg:\n%s" % (needle, out)
        # by level: errors only (there are none on a clean boot)
        assert answer(q, "dmesg 0") == ""
        assert answer(q, "dmesg 7") == "dmesg: '7' is not a level (0 error .. 3 debug)"
