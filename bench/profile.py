"""Profile wl-hook under the loads of bench/run.py and write what perf saw (called by
bench/profile.sh). One report per scenario in bench/profiles/ (committed, like BENCHMARKS.md:
the profiles BENCHMARKS.md's explanations rest on); perf's raw data goes to target/bench/profiles/.

    listen   listen --json to a file, wrk at 10 connections
    save     listen --json --save to a memory file system, wrk at 50 connections (per thread)
    verify   verify of the 64 MiB body, as a raw HTTP dump and as a capture document
    verify-dir  verify of a folder of 10,400 captures (send --topic all --count 800 into listen --save)
    send     send --count 20000 --concurrency 64 to the minimal hyper server

Each report holds the split between the kernel and user space, the functions where the samples
fell (self time) and, for listen and send, the time inside each of wl-hook's and hyper's frames
(inclusive, from DWARF call graphs).
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the benchmark script's loads and helpers)

PROFILE_TARGET = os.path.join(bench.ROOT, "target/profile")
bench.WL = os.path.join(PROFILE_TARGET, "release/wl-hook")
bench.SERVER = os.path.join(PROFILE_TARGET, "release/examples/bench_server")
OUT = os.path.join(bench.OUT, "profiles")
REPORTS = os.path.join(bench.ROOT, "bench", "profiles")
SECONDS = int(os.environ.get("PROFILE_SECONDS", "4"))
TOP = 30


def perf_report(data, *args):
    return subprocess.run(
        ["perf", "report", "-i", data, "--stdio", "--percent-limit", "0.5", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def rows(text, limit=TOP, keep=lambda line: True):
    """The table lines of a perf report (not its comments or call chains)."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s and s[0].isdigit() and "%" in s and keep(line):
            out.append(line.rstrip())
            if len(out) == limit:
                break
    return out


def summarise(data, title, inclusive=(), per_thread=False):
    commit = subprocess.run(["git", "-C", bench.ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    parts = [f"# {title}", "", f"Written by `bench/profile.sh` on {when} at commit {commit or 'unknown'}; {platform_line()}.", ""]
    parts += ["## kernel and user space (share of samples)", ""]
    parts += rows(perf_report(data, "--no-children", "--sort", "dso", "-g", "none"))
    if per_thread:
        parts += ["", "## threads", ""]
        parts += rows(perf_report(data, "--no-children", "--sort", "comm", "-g", "none"))
    parts += ["", f"## functions, self time (top {TOP})", ""]
    parts += rows(perf_report(data, "--no-children", "--sort", "sym", "-g", "none"))
    if inclusive:
        parts += ["", "## frames, inclusive (children) and self", ""]
        parts += rows(
            perf_report(data, "--children", "--sort", "sym", "-g", "none"),
            limit=40,
            keep=lambda line: any(k in line for k in inclusive) and "(inlined)" not in line,
        )
    return "\n".join(parts) + "\n"


def record_pid(pid, data, seconds, dwarf):
    cmd = ["perf", "record", "-q", "-o", data, "-p", str(pid)]
    cmd += ["-F", "999", "--call-graph", "dwarf,16384"] if dwarf else ["-F", "3999"]
    return subprocess.Popen(cmd + ["--", "sleep", str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def under_load(name, cmd, lua, connections, title, inclusive=(), per_thread=False):
    port = bench.free_port()
    tmp_out = open(os.path.join(OUT, f"{name}.stdout"), "w")
    p = bench.Proc(cmd(port), port, stdout=tmp_out)
    data = os.path.join(OUT, f"{name}.data")
    try:
        load = threading.Thread(target=bench.wrk, args=(port, connections, lua, SECONDS + 2))
        load.start()
        time.sleep(1)
        perf = record_pid(p.p.pid, data, SECONDS, dwarf=bool(inclusive))
        perf.wait()
        load.join()
    finally:
        p.stop()
        tmp_out.close()
    return summarise(data, title, inclusive, per_thread)


def platform_line():
    if "machine" not in bench.results:
        bench.machine()
    m = bench.results["machine"]
    return f"{m['cpu']}, {m['cores']} cores, Linux {m['kernel']}"


def write(name, text):
    os.makedirs(REPORTS, exist_ok=True)
    path = os.path.join(REPORTS, f"{name}.txt")
    with open(path, "w") as f:
        f.write(text)
    bench.log(f"wrote {os.path.relpath(path, bench.ROOT)}")


def main(wanted):
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="wl-hook-profile-")
    try:
        capture, lua = bench.make_load(tmp)
        listen = [bench.WL, "listen", "--secret", bench.KEY, "--json"]
        if "listen" in wanted:
            bench.log("profiling listen --json under wrk (10 connections)")
            write("listen", under_load(
                "listen",
                lambda port: listen + ["--port", str(port)],
                lua,
                10,
                "listen --json > file, wrk with 10 connections, 1 KiB signed body",
                inclusive=("wl_hook::", "hyper::proto::h1::io::Buffered", "hyper::proto::h1::conn::Conn", "__GI___writev", "__libc_recv", "__GI___libc_write"),
                per_thread=True,
            ))
        if "save" in wanted:
            bench.log("profiling listen --json --save under wrk (50 connections)")
            shm = "/dev/shm" if os.path.isdir("/dev/shm") else tmp
            d = tempfile.mkdtemp(dir=shm, prefix="wl-hook-profile-save-")
            try:
                write("save", under_load(
                    "save",
                    lambda port: listen + ["--port", str(port), "--save", d],
                    lua,
                    50,
                    "listen --json --save to a memory file system, wrk with 50 connections",
                    per_thread=True,
                ))
            finally:
                subprocess.run(["rm", "-rf", d], check=False)
        if "verify" in wanted:
            bench.log("profiling verify of the 64 MiB body")
            _, large_json, large_http = bench.make_large(tmp)
            for name, path in [("verify-http", large_http), ("verify-capture", large_json)]:
                data = os.path.join(OUT, f"{name}.data")
                subprocess.run(
                    ["perf", "record", "-q", "-F", "3999", "-o", data, bench.WL, "verify", path, "--secret", bench.KEY, "-q"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                write(name, summarise(data, f"verify {os.path.basename(path)} (64 MiB body)"))
        if "verify-dir" in wanted:
            bench.log("profiling verify of a CI run's captures (10,400 files)")
            folder = bench.make_captures(tmp)
            data = os.path.join(OUT, "verify-dir.data")
            subprocess.run(
                ["perf", "record", "-q", "-F", "1999", "--call-graph", "dwarf,16384", "-o", data,
                 bench.WL, "verify", folder, "--secret", bench.KEY, "-q"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            write("verify-dir", summarise(
                data,
                "verify DIR -q, 10,400 captures of send --topic all --count 800",
                inclusive=("wl_hook::", "serde_json::de::from_trait", "__GI___libc_open", "__GI___libc_read", "__close", "__libc_read", "_int_malloc", "_int_free", "__GI___getdents64"),
                per_thread=True,
            ))
        if "send" in wanted:
            bench.log("profiling send --count 20000 --concurrency 64")
            p, url = bench.minimal_receiver()
            data = os.path.join(OUT, "send.data")
            doc, _ = bench.load_capture(tmp, capture)
            try:
                subprocess.run(
                    ["perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,16384", "-o", data,
                     *bench.burst_command(url, doc)],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            finally:
                p.stop()
            write("send", summarise(
                data,
                "send --count 20000 --concurrency 64 to the minimal hyper server",
                inclusive=("wl_hook::", "reqwest::", "hyper::client", "hyper_util::client"),
                per_thread=True,
            ))
    finally:
        subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    names = sys.argv[1:] or ["listen", "save", "verify", "verify-dir", "send"]
    unknown = [n for n in names if n not in ("listen", "save", "verify", "verify-dir", "send")]
    if unknown:
        sys.exit(f"profile: unknown scenario {unknown[0]}; choose from listen, save, verify, verify-dir, send")
    main(set(names))
