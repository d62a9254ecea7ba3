#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Host-side client of the store service (app/store.h), for people and for the tests.

    store.py [-H HOST] [-p PORT] read OFF LEN      # bytes to stdout (LEN may exceed a datagram)
    store.py [-H HOST] [-p PORT] write OFF DATA    # DATA as given, or @FILE for a file's bytes
    store.py [-H HOST] [-p PORT] count             # add 1 to the counter at offset 0, print it

The service is off unless the guest was booted with store.port=PORT. It never answers with more
bytes than the request had (so it cannot amplify a flood towards a forged source): this client
pads each request to the size of the answer it expects, after a newline, as the protocol allows.
Numbers are decimal. Exit status 1 with the service's "ERR <reason>" on stderr.
"""
import argparse
import socket
import sys

MAX_READ = 1472   # one datagram (app/store.h STORE_READ_MAX)
MIN_REQUEST = 32  # room for any "ERR <reason>"


class StoreError(Exception):
    pass


class Store:
    def __init__(self, host="127.0.0.1", port=7000, timeout=2.0, tries=3):
        self.addr = (host, port)
        self.timeout = timeout
        self.tries = tries

    def request(self, payload):
        """Send one request (bytes) and return the reply; retries on silence."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(self.timeout)
        try:
            for _ in range(self.tries):
                s.sendto(payload, self.addr)
                try:
                    return s.recvfrom(65536)[0]
                except socket.timeout:
                    continue
            raise StoreError("no reply from %s:%d to %r" % (self.addr + (payload[:20],)))
        finally:
            s.close()

    @staticmethod
    def padded(cmd, reply_len):
        """cmd, then a newline and spaces up to the reply's length (at least MIN_REQUEST)."""
        n = max(reply_len, MIN_REQUEST)
        return cmd + b"\n" + b" " * max(0, n - len(cmd) - 1)

    @staticmethod
    def check(reply):
        if reply.startswith(b"ERR"):
            raise StoreError(reply.decode("ascii", "replace"))
        return reply

    def read(self, off, length):
        out = b""
        while length > 0:
            n = min(length, MAX_READ)
            got = self.request(self.padded(b"R %d %d" % (off, n), n))
            if len(got) != n:
                self.check(got)
                raise StoreError("short read: %d of %d bytes" % (len(got), n))
            out += got
            off += n
            length -= n
        return out

    def write(self, off, data):
        step = MAX_READ - 16
        for i in range(0, max(len(data), 1), step):
            chunk = data[i:i + step]
            reply = self.check(self.request(b"W %d " % (off + i) + chunk))
            if reply != b"OK %d" % len(chunk):
                raise StoreError("unexpected reply %r" % reply)
        return len(data)

    def count(self):
        return int(self.check(self.request(self.padded(b"C", 24))))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-H", "--host", default="127.0.0.1")
    ap.add_argument("-p", "--port", type=int, default=7000)
    sub = ap.add_subparsers(dest="op", required=True)
    r = sub.add_parser("read")
    r.add_argument("off", type=int)
    r.add_argument("len", type=int)
    w = sub.add_parser("write")
    w.add_argument("off", type=int)
    w.add_argument("data")
    sub.add_parser("count")
    a = ap.parse_args(argv)
    st = Store(a.host, a.port)
    try:
        if a.op == "read":
            sys.stdout.buffer.write(st.read(a.off, a.len))
        elif a.op == "write":
            if a.data.startswith("@"):
                with open(a.data[1:], "rb") as f:
                    data = f.read()
            else:
                data = a.data.encode()
            print("OK %d" % st.write(a.off, data))
        else:
            print(st.count())
    except StoreError as e:
        print("store: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
