"""The operator shell on the serial console."""
from qemu import Qemu, udp_echo, wait_echo


def run(q, command, expect, timeout=5):
    q.send(command + "\r")
    return q.wait_for(expect, timeout=timeout)


def test_shell_commands_and_poweroff():
    with Qemu(stdin=True) as q:
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
        # without -icount instret follows host time: only the shape is checked here (make
        # bench checks the count under -icount)
        run(q, "bench instret", r"bench instret: loop of 2000000 instructions \(\+3 around it\), "
            r"instret counted \d+")
        assert udp_echo(q.echo_port, b"still echoing") == b"still echoing"
        q.send("poweroff\r")
        assert q.wait_exit(timeout=10) == 0
