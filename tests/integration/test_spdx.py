# SPDX-License-Identifier: BSD-2-Clause
"""tests/tools/spdx.py, the license-line check of `make lint`, on a scratch repository of its
own: which files are sources, where --fix puts the line, that a second --fix changes nothing,
that another license is reported and left alone; and the tree itself passes the check."""
import os
import subprocess

from qemu import ROOT

SPDX = os.path.join(ROOT, "tests", "tools", "spdx.py")
LINE_C = b"/* SPDX-License-Identifier: BSD-2-Clause */\n"
LINE_HASH = b"# SPDX-License-Identifier: BSD-2-Clause\n"

FILES = {
    "k/a.c": b"/* a */\nint a;\n",
    "k/a.h": b"#pragma once\n",
    "k/entry.S": b"/* entry */\n",
    "linker.ld": b"OUTPUT_ARCH(riscv)\n",
    "Makefile": b"all:\n",
    "k/x.mk": b"X := 1\n",
    "t/run.sh": b"#!/bin/sh\necho hi\n",
    "t/tool.py": b"#!/usr/bin/python3\nprint(1)\n",
    "t/mod.py": b"import os\n",
    "t/script": b"#!/bin/sh\n",
    "boot.cmd": b"echo boot\n",
    # not sources: corpora, regression inputs, test data, documents, configuration
    "t/corpus/eth/seed-1": b"\x00\x01",
    "t/regress/eth/crash": b"#!\x00",
    "t/data/tree.dts": b"/dts-v1/;\n",
    "README.md": b"# readme\n",
    "pytest.ini": b"[pytest]\n",
}


def run(repo, *args):
    return subprocess.run(["/usr/bin/python3", SPDX] + list(args), cwd=repo,
                          capture_output=True, text=True)


def scratch_repo(tmp_path, files):
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def test_check_names_each_source_without_the_line(tmp_path):
    repo = scratch_repo(tmp_path, FILES)
    r = run(repo)
    assert r.returncode == 1, r.stdout
    named = {line.split(":")[0] for line in r.stdout.splitlines() if ": no " in line}
    sources = {"k/a.c", "k/a.h", "k/entry.S", "linker.ld", "Makefile", "k/x.mk", "t/run.sh",
               "t/tool.py", "t/mod.py", "t/script", "boot.cmd"}
    assert named == sources
    assert "11 of 11 sources without the line" in r.stdout


def test_fix_puts_the_line_first_or_after_the_shebang_and_is_idempotent(tmp_path):
    repo = scratch_repo(tmp_path, FILES)
    r = run(repo, "--fix")
    assert r.returncode == 0, r.stdout
    assert (repo / "k/a.c").read_bytes() == LINE_C + FILES["k/a.c"]
    assert (repo / "linker.ld").read_bytes() == LINE_C + FILES["linker.ld"]
    assert (repo / "Makefile").read_bytes() == LINE_HASH + FILES["Makefile"]
    assert (repo / "t/run.sh").read_bytes() == b"#!/bin/sh\n" + LINE_HASH + b"echo hi\n"
    assert (repo / "t/script").read_bytes() == b"#!/bin/sh\n" + LINE_HASH
    for name in ("t/corpus/eth/seed-1", "t/regress/eth/crash", "t/data/tree.dts", "README.md"):
        assert (repo / name).read_bytes() == FILES[name]
    after = {name: (repo / name).read_bytes() for name in FILES}
    r = run(repo, "--fix")
    assert r.returncode == 0 and "0 fixed" in r.stdout, r.stdout
    assert {name: (repo / name).read_bytes() for name in FILES} == after
    assert run(repo).returncode == 0


def test_another_license_is_reported_and_left_alone(tmp_path):
    other = b"// SPDX-License-Identifier: MIT\nint b;\n"
    repo = scratch_repo(tmp_path, {"b.c": other, "c.c": b"/* SPDX-License-Identifier: "
                                   b"BSD-2-Clause */\n", "d.py": b"x = 1\n"})
    r = run(repo, "--fix")
    assert r.returncode == 1
    assert "b.c: SPDX line names MIT, not BSD-2-Clause" in r.stdout
    assert (repo / "b.c").read_bytes() == other
    assert (repo / "d.py").read_bytes() == LINE_HASH + b"x = 1\n"


def test_the_line_quoted_further_down_does_not_count(tmp_path):
    text = b"/* a */\n/* b */\n/* c */\n/* SPDX-License-Identifier: BSD-2-Clause */\n"
    repo = scratch_repo(tmp_path, {"late.c": text})
    assert run(repo).returncode == 1


def test_the_tree_has_the_line_in_every_source():
    r = run(ROOT)
    assert r.returncode == 0, r.stdout[-3000:]
