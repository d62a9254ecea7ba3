#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Linux's TCP as the guest's peer, run inside the test's network namespace:

    tcp_client.py transfer HOST PORT BYTES [SEED]   one echo connection, SHA-256 checked
    tcp_client.py concurrent HOST PORT N            N connections opened at once, each echoed
    tcp_client.py rate HOST PORT SECONDS            connect, 64-byte echo, close, in a loop

Prints one JSON object (tcpx.transfer's fields; {"good": n} for concurrent; connections per
second for rate).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpx import concurrent_echo, random_bytes, rate, transfer  # noqa: E402


def main():
    cmd, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "transfer":
        seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
        r = transfer(host, port, random_bytes(int(sys.argv[4]), seed=seed), timeout=1800)
    elif cmd == "concurrent":
        r = {"good": concurrent_echo(host, port, int(sys.argv[4]))}
    elif cmd == "rate":
        r = rate(host, port, float(sys.argv[4]))
    else:
        sys.exit("unknown command " + cmd)
    print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
