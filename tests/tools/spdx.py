#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The license line: every source file names its license (BSD-2-Clause) in an SPDX line.

Usage (from anywhere in the repository):
  tests/tools/spdx.py           check the tracked sources; list each one without the line, exit 1
  tests/tools/spdx.py --fix     add the line where it is missing (idempotent: run it again after
                                a merge; files that have it are left byte for byte as they are)
  tests/tools/spdx.py [--fix] FILE...   the same for the named files only

Sources are C and headers, assembly, the linker script, Makefiles (Makefile, *.mk), shell and
Python scripts, the U-Boot script, and any other file that starts with a shebang. Fuzz corpora,
regression inputs and test data (folders corpus/, regress/, data/) are not sources. The line goes
first, in the language's comment syntax, or second after a shebang. A file whose SPDX line names
another license is reported and never rewritten.
"""
import os
import subprocess
import sys

LICENSE = "BSD-2-Clause"
TAG = "SPDX-License-Identifier:"
# Only the first lines count: the identifier is a header, not something quoted further down.
HEAD_LINES = 3

C_STYLE = ("/* ", " */")
HASH_STYLE = ("# ", "")
BY_SUFFIX = {".c": C_STYLE, ".h": C_STYLE, ".S": C_STYLE, ".s": C_STYLE, ".ld": C_STYLE,
             ".py": HASH_STYLE, ".sh": HASH_STYLE, ".mk": HASH_STYLE, ".cmd": HASH_STYLE}
BY_NAME = {"Makefile": HASH_STYLE}
NOT_SOURCES = ("corpus", "regress", "data")


def comment_style(path, head):
    """The comment syntax of a source file, or None when the file is not a source."""
    if any(part in NOT_SOURCES for part in path.split("/")[:-1]):
        return None
    name = os.path.basename(path)
    if name in BY_NAME:
        return BY_NAME[name]
    style = BY_SUFFIX.get(os.path.splitext(name)[1])
    if style is None and head.startswith(b"#!"):
        style = HASH_STYLE
    return style


def spdx_line(style):
    return (style[0] + TAG + " " + LICENSE + style[1] + "\n").encode()


def state(text):
    """'ok', 'missing' or 'other' (an SPDX line naming another license) for a file's bytes."""
    for line in text.split(b"\n")[:HEAD_LINES]:
        # a comment whose text starts with the tag: "# SPDX-...", "/* SPDX-... */", "// SPDX-..."
        body = line.strip().lstrip(b"#/*").strip()
        if body.startswith(TAG.encode()):
            # the comment's closing "*/" (C) is not part of the identifier
            ident = body[len(TAG):].split(b"*/")[0].strip().decode(errors="replace")
            return "ok" if ident == LICENSE else "other:" + ident
    return "missing"


def with_line(text, style):
    """text with the SPDX line first, or second after a shebang line."""
    line = spdx_line(style)
    if text.startswith(b"#!"):
        end = text.find(b"\n")
        if end < 0:
            return text + b"\n" + line
        return text[:end + 1] + line + text[end + 1:]
    return line + text


def tracked_files():
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], check=True,
                         capture_output=True, text=True).stdout.strip()
    os.chdir(top)
    out = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout
    return [p.decode() for p in out.split(b"\0") if p]


def main(argv):
    fix = "--fix" in argv
    args = [a for a in argv if a != "--fix"]
    if any(a.startswith("-") for a in args):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files = args or tracked_files()
    checked = fixed = 0
    bad = []
    for path in files:
        if not os.path.isfile(path) or os.path.islink(path):
            continue  # deleted in the work tree but still in the index, or a link
        with open(path, "rb") as f:
            text = f.read()
        style = comment_style(path, text[:2])
        if style is None:
            continue
        checked += 1
        st = state(text)
        if st == "ok":
            continue
        if st.startswith("other:"):
            bad.append("%s: SPDX line names %s, not %s" % (path, st[6:], LICENSE))
        elif fix:
            with open(path, "wb") as f:
                f.write(with_line(text, style))
            fixed += 1
            print("spdx: added to %s" % path)
        else:
            bad.append("%s: no '%s %s' in its first %d lines" % (path, TAG, LICENSE, HEAD_LINES))
    for msg in bad:
        print(msg)
    if bad:
        hint = "" if fix else " (tests/tools/spdx.py --fix adds the line)"
        print("spdx: %d of %d sources without the line%s" % (len(bad), checked, hint))
        return 1
    print("spdx: %d sources%s" % (checked, ", %d fixed" % fixed if fix else ", clean"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
