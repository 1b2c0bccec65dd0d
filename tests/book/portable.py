"""Re-run nbval on every notebook under simulated machines (``make test-portable``).

A reader's laptop differs from the machine that stored the outputs in its BLAS
kernel (the CPU's vector instructions) and in its thread count.  OpenBLAS lets
one process pretend to be another CPU (``OPENBLAS_CORETYPE``) and use another
number of threads (``OPENBLAS_NUM_THREADS``).  This script runs the nbval check
once per configuration of the matrix below, verifies with threadpoolctl that
OpenBLAS really selected the kernel asked for (otherwise the run would prove
nothing), and prints a table with each configuration's result and time.

Usage: python tests/book/portable.py [notebook ...]   (default: chapters/*.ipynb)
Exit status 0 only if every configuration passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KERNELS = ("Haswell", "Sandybridge", "Nehalem")
THREADS = (1, 2, 4)


def selected_kernel(env: dict[str, str]) -> str:
    """The OpenBLAS kernel numpy loads under ``env`` (asked in a fresh process)."""
    code = (
        "import numpy, threadpoolctl\n"
        "info = [i for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']\n"
        "print(info[0]['architecture'] if info else 'not-openblas')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def main(argv: list[str]) -> int:
    notebooks = argv or sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "chapters").glob("*.ipynb")
    )
    rows, failed = [], 0
    for kernel in KERNELS:
        for threads in THREADS:
            env = dict(os.environ, OPENBLAS_CORETYPE=kernel, OPENBLAS_NUM_THREADS=str(threads))
            env.pop("OPENBLAS_L2_SIZE", None)
            actual = selected_kernel(env)
            if actual.lower() != kernel.lower():
                rows.append((kernel, threads, f"FAILED: OpenBLAS chose {actual}", 0.0))
                failed += 1
                continue
            cmd = [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                *notebooks,
                "--nbval",
                "--nbval-current-env",
                "--nbval-sanitize-with",
                str(ROOT / "tests" / "book" / "nbval_sanitize.cfg"),
            ]
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
            if proc.returncode != 0:
                failed += 1
                print(proc.stdout[-6000:], proc.stderr[-2000:], sep="\n", flush=True)
                summary = f"FAILED: {summary}"
            rows.append((kernel, threads, summary, seconds))
            print(f"{kernel:<12} {threads} threads  {seconds:6.1f} s  {summary}", flush=True)
    print("\nportable matrix (OPENBLAS_CORETYPE x OPENBLAS_NUM_THREADS):")
    print(f"{'kernel':<12} {'threads':>7}  {'time':>8}  result")
    for kernel, threads, summary, seconds in rows:
        print(f"{kernel:<12} {threads:>7}  {seconds:7.1f}s  {summary}")
    print(f"{len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
