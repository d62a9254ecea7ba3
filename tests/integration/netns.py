# SPDX-License-Identifier: BSD-2-Clause
"""A network namespace of our own with a tap device in it, for tests that put Linux on the
guest's link: nothing leaves this machine, and the namespace (named with our PID) is deleted on
the way out. Tests are skipped, with the reason, where namespaces or taps cannot be made."""
import os
import shutil
import subprocess

import pytest


def sh(*args, check=True, timeout=20, input=None):
    return subprocess.run(list(args), check=check, timeout=timeout, capture_output=True,
                          text=True, input=input)


class Netns:
    """ip netns NAME with TAP at ADDR on the host side, loopback up."""

    def __init__(self, tag, tap="uktap0", addr="10.0.2.2/24", tools=("ip",)):
        self.name = "uk-%s-%d" % (tag, os.getpid())
        self.tap = tap
        self.addr = addr
        self.tools = tools
        self.exec = ["ip", "netns", "exec", self.name]

    def __enter__(self):
        if os.geteuid() != 0:
            pytest.skip("needs root for a network namespace and a tap device")
        for tool in self.tools:
            if not shutil.which(tool):
                pytest.skip("%s not installed" % tool)
        made = sh("ip", "netns", "add", self.name, check=False)
        if made.returncode != 0:
            pytest.skip("cannot make a network namespace: %s" % made.stderr.strip())
        try:
            tap = self.run("ip", "tuntap", "add", "dev", self.tap, "mode", "tap", check=False)
            if tap.returncode != 0:
                pytest.skip("cannot make a tap device: %s" % tap.stderr.strip())
            self.run("ip", "addr", "add", self.addr, "dev", self.tap)
            self.run("ip", "link", "set", self.tap, "up")
            self.run("ip", "link", "set", "lo", "up")
        except BaseException:
            self.__exit__()
            raise
        return self

    def run(self, *args, check=True, timeout=20, input=None):
        return sh(*self.exec, *args, check=check, timeout=timeout, input=input)

    def popen(self, *args, **kw):
        return subprocess.Popen(self.exec + list(args), **kw)

    def __exit__(self, *exc):
        sh("ip", "netns", "del", self.name, check=False)
