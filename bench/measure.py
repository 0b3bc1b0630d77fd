"""Shared helpers of bench/langid.py, bench/dedup.py and bench/extract.py: run a tool as its own process and
measure it from outside (os.wait4: user + system CPU of the process and all its threads, peak RSS), describe the
machine and the saring build, and format numbers. Standard library only."""
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def run(cmd, stdin_path=None, stdout_path=None, cwd=None, env=None):
    """Runs cmd; returns dict cpu (user+sys s, the process and its children that it waited for), user, sys,
    wall, rss_mb (peak RSS of the largest process), rc, out (stdout text unless stdout_path), err (stderr tail)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sink = open(stdout_path, "wb") if stdout_path else out
        src = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            t0 = datetime.datetime.now()
            p = subprocess.Popen(cmd, stdout=sink, stderr=err, stdin=src, cwd=cwd, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            wall = (datetime.datetime.now() - t0).total_seconds()
            rc = os.waitstatus_to_exitcode(status)
            p.returncode = rc
        finally:
            if stdout_path:
                sink.close()
            if stdin_path:
                src.close()
        out.seek(0)
        err.seek(0)
        return {
            "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime, "wall": wall,
            "rss_mb": ru.ru_maxrss / 1024, "rc": rc,
            "out": "" if stdout_path else out.read().decode("utf-8", "replace"),
            "err": err.read().decode("utf-8", "replace")[-3000:],
        }


def rounds(tools, n, work):
    """Runs every tool of tools ({name: function from an output directory to the command}) once a round for n
    rounds, in an order that rotates from round to round, each into WORK/out-NAME emptied first (with its sibling
    OUT_logs, where datatrove logs); yields (round from 1, name, output directory, run's measurement). A tool that
    exits with a code other than 0 or 1 stops the benchmark."""
    names = list(tools)
    for r in range(n):
        for name in names[r % len(names):] + names[:r % len(names)]:
            out = os.path.join(work, f"out-{name}")
            for d in (out, out + "_logs"):
                shutil.rmtree(d, ignore_errors=True)
            m = run(tools[name](out))
            if m["rc"] not in (0, 1):
                raise SystemExit(f"{name} failed (rc {m['rc']}): {m['err']}")
            yield r + 1, name, out, m


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (`nproc`), {cpu} (`/proc/cpuinfo`), {mem} RAM, Linux {platform.release()}"


def saring_version():
    def git(*a):
        return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "?"
    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip() or "rustc ?"
    return f"commit {commit}{dirty}, {rustc}, release profile"


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_pct(x):
    return f"{100 * x:.2f}%"


def write_results(path, lines, log):
    """Append the log to the report lines, write the results file and echo it to stdout."""
    lines.extend(['\n## Log\n', '```', *log, '```'])
    text = '\n'.join(lines) + '\n'
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    sys.stdout.write(text)
