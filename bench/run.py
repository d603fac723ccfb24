"""Run wl-hook's whole-process benchmarks and write BENCHMARKS.md (called by bench/run.sh).

Every figure is a median over several runs and is shown as a ratio against a reference
measured in the same run: bare SHA-256/HMAC, openssl, a minimal hyper server, Python's
http.server, oha, curl and ripgrep.
"""
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WL = os.path.join(ROOT, "target/release/wl-hook")
SERVER = os.path.join(ROOT, "target/release/examples/bench_server")
OUT = os.path.join(ROOT, "target/bench")
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SOAK = int(os.environ.get("BENCH_SOAK", "60"))
# Other wl-hook binaries to measure side by side with this one in the listen rounds (the same
# load, the same turns), as `label=path,label=path`: how a piece of listen's machinery is judged
# (a binary with it against this one without, or the other way round). Their figures go to the
# "Machinery kept or removed" section, which later runs without BENCH_COMPARE keep.
COMPARE = dict(item.split("=", 1) for item in os.environ.get("BENCH_COMPARE", "").split(",") if item)
# Only these listen variants (comma-separated names), to make a comparison run shorter.
VARIANTS = [v for v in os.environ.get("BENCH_VARIANTS", "").split(",") if v]
KEY = "bench-key"
results = {}


def log(msg):
    print(f"bench: {msg}", flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A background server; waits until its port accepts connections."""

    def __init__(self, cmd, port, stdout=subprocess.DEVNULL):
        self.port = port
        self.p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
        import socket

        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{cmd[0]} did not start")

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.kill()


def median(xs):
    return statistics.median(xs)


# ---------------------------------------------------------------------------- machine
def machine():
    cpu = "unknown"
    flags = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu == "unknown":
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line
    results["machine"] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "sha_ni": " sha_ni " in flags,
        "kernel": platform.release(),
        "rustc": run(["rustc", "--version"]).strip(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


# ---------------------------------------------------------------------------- protocol (divan)
def protocol_benches():
    log("protocol core (cargo bench --bench protocol)")
    text = run(["cargo", "bench", "--locked", "--bench", "protocol", "--quiet"], cwd=ROOT)
    with open(os.path.join(OUT, "divan.txt"), "w") as f:
        f.write(text)
    units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    medians = {}
    group = None
    for line in text.splitlines():
        m = re.match(r"^[│├╰ ]*[├╰]─ (\S+)\s+(.*)$", line)
        if not m:
            continue
        name, rest = m.group(1), m.group(2)
        cols = [c.strip() for c in rest.split("│")]
        if len(cols) < 3 or not cols[2]:
            group = name
            continue
        value = re.match(r"([\d.]+)\s*(\S+)", cols[2])
        if not value:
            continue
        secs = float(value.group(1)) * units[value.group(2)]
        key = f"{group}/{name}" if name.isdigit() and group else name
        medians[key] = secs
    results["protocol"] = medians


# ---------------------------------------------------------------------------- verify 64 MiB
def make_large(tmp):
    """A 64 MiB JSON body (800,000 purchase items), and the same request signed as a capture
    document and as a raw HTTP dump: (body, capture, raw) paths."""
    body_path = os.path.join(tmp, "body.json")
    chunk = '{"k_purchase_item":88412,"text_title":"10-Class Pass","m_price_total":"160.00"},'
    n = (64 * 1024 * 1024) // len(chunk)
    with open(body_path, "w") as f:
        f.write('{"text_purchase_id":"100013412008","purchase_items":[')
        f.write(chunk * (n - 1))
        f.write(chunk[:-1] + "]}")
    signed = {}
    for form, name in [("json", "large.json"), ("http", "large.http")]:
        signed[form] = os.path.join(tmp, name)
        with open(signed[form], "wb") as f:
            subprocess.run(
                [WL, "sign", "--data", body_path, "--topic", "purchase.created", "--secret", KEY, "--format", form],
                check=True,
                stdout=f,
                stderr=subprocess.DEVNULL,
            )
    return body_path, signed["json"], signed["http"]


def verify_large(tmp):
    log("verify of a 64 MiB capture vs openssl dgst -hmac")
    body_path, capture, raw = make_large(tmp)
    results["verify_64mib"] = in_turns(
        {
            "openssl": ["openssl", "dgst", "-sha256", "-hmac", KEY, body_path],
            "capture": [WL, "verify", capture, "--secret", KEY, "-q"],
            "raw_http": [WL, "verify", raw, "--secret", KEY, "-q"],
        },
        runs=max(RUNS, 5) * 2,
    )


def make_captures(tmp):
    """A CI run's captures: `send --topic all --count 800` (13 events, 10,400 deliveries) into
    `listen --save`, on disk. Returns the folder."""
    folder = os.path.join(tmp, "captures")
    os.makedirs(folder)
    port = free_port()
    p = Proc([WL, "listen", "--port", str(port), "--secret", KEY, "--save", folder, "--json"], port)
    try:
        text = run([WL, "send", "--secret", KEY, "--url", f"http://127.0.0.1:{port}/webhooks", "--topic", "all",
                    "--count", "800", "--concurrency", "16", "--json"])
        summary = json.loads(text.strip().splitlines()[-1])
        assert summary["accepted"] == summary["sent"], summary
    finally:
        p.stop()
    return folder


# Other wl-hook binaries measured side by side with this one on the folder of captures
# (`label=path,...`), for "Machinery kept or removed" in the verify section.
VERIFY_COMPARE = dict(item.split("=", 1) for item in os.environ.get("BENCH_VERIFY_COMPARE", "").split(",") if item)
VERIFY_MACHINERY_FILE = os.path.join(ROOT, "bench/verify-machinery.json")


def verify_folder(tmp):
    log("verify of a CI run's captures vs cat | sha256sum and a Python script")
    folder = make_captures(tmp)
    files = [f for f in os.listdir(folder) if f.endswith(".json")]
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    # The same verdicts first: every capture valid for both.
    py = os.path.join(ROOT, "bench/verify_captures.py")
    counts = run(["python3", py, KEY, folder]).split()
    lines = run([WL, "verify", folder, "--secret", KEY, "--json"]).splitlines()
    valid = sum(json.loads(line)["valid"] for line in lines)
    assert counts == ["valid", str(len(files)), "invalid", "0", "unreadable", "0"] and valid == len(files), (counts, valid)
    verify = ["verify", folder, "--secret", KEY, "-q"]
    commands = {
        "cat_sha256sum": ["bash", "-c", f"cat {folder}/* | sha256sum"],
        "python": ["python3", py, KEY, folder],
        "wl_hook": [WL, *verify],
        # One core: available_parallelism follows the affinity, so verify runs one worker.
        "wl_hook_one_core": ["taskset", "-c", "0", WL, *verify],
    }
    for label, binary in VERIFY_COMPARE.items():
        commands[f"{label}:wl_hook"] = [binary, *verify]
    times = in_turns(commands, runs=max(RUNS, 5) * 3)
    results["verify_folder"] = {"files": len(files), "bytes": size, **times}
    if VERIFY_COMPARE:
        save_json(VERIFY_MACHINERY_FILE, {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "compared": list(VERIFY_COMPARE),
            "figures": times,
            "notes": load_json(VERIFY_MACHINERY_FILE).get("notes", []),
        })


def load_json(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def save_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def in_turns(commands, runs, warmup=2):
    """Median wall time of each command (argument lists, no shell), run in turns: every command
    once per round, so that the load other processes put on this shared machine meanwhile
    moves every figure alike instead of skewing the ratios (hyperfine runs one command's runs
    back to back)."""
    times = {name: [] for name in commands}
    for r in range(warmup + runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r >= warmup:
                times[name].append(time.perf_counter() - start)
    return {name: median(t) for name, t in times.items()}


def hyperfine(commands, runs, extra=()):
    export = os.path.join(OUT, "hyperfine.json")
    cmd = ["hyperfine", "-N", "--warmup", "2", "--runs", str(runs), "--export-json", export, *extra]
    names = list(commands)
    for n in names:
        cmd += ["-n", n, commands[n]]
    run(cmd)
    with open(export) as f:
        data = json.load(f)
    return {r["command"]: r["median"] for r in data["results"]}


# ---------------------------------------------------------------------------- listen throughput
def cpu_seconds(pid):
    """User plus system CPU time of a process so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(port, connections, lua, duration=DURATION, server_pid=None):
    """Requests/s, p99 in ms, non-2xx answers, and the CPU time per request of the server and
    of wrk itself in µs (both share this machine's cores)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = cpu_seconds(server_pid) if server_pid else None
    text = run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", lua, f"http://127.0.0.1:{port}/webhooks"]
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    requests = max(rps * duration, 1)
    wrk_cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / requests * 1e6
    server_cpu = (cpu_seconds(server_pid) - server_before) / requests * 1e6 if server_pid else None
    return rps, float(p99.group(1)) * scale, int(non2xx.group(1)) if non2xx else 0, server_cpu, wrk_cpu


def listen_throughput(tmp, lua):
    log("listen throughput (wrk, 1 KiB signed body)")
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else tmp

    def listen(port, *extra, out_name="listen.ndjson", binary=WL):
        cmd = [binary, "listen", "--port", str(port), "--secret", KEY, "--json", *extra]
        return Proc(cmd, port, stdout=open(os.path.join(tmp, out_name), "w"))

    def saving(base, binary=WL):
        def start(port):
            d = tempfile.mkdtemp(dir=base, prefix="wl-hook-bench-save-")
            p = listen(port, "--save", d, binary=binary)
            p.cleanup = d
            return p

        return start

    variants = {
        "hyper_minimal": lambda port: Proc([SERVER, str(port)], port),
        "hyper_verify": lambda port: Proc(
            [SERVER, str(port), "verify", KEY], port, stdout=open(os.path.join(tmp, "hyper_verify.out"), "w")
        ),
        "python_http_server": lambda port: Proc(["python3", os.path.join(ROOT, "bench/python_receiver.py"), str(port), KEY], port),
        "listen_json": lambda port: listen(port),
        "listen_save_memory": saving(shm),
        "listen_save_disk": saving(tmp),
    }
    for label, binary in COMPARE.items():
        variants[f"{label}:listen_json"] = lambda port, b=binary: listen(port, binary=b)
        variants[f"{label}:listen_save_memory"] = saving(shm, binary=binary)
    if VARIANTS:
        variants = {k: v for k, v in variants.items() if k.split(":")[-1] in VARIANTS}
    # Rounds: every variant once per round, so a drift in this machine's speed during the
    # minutes this takes moves the references and listen alike instead of skewing the ratios.
    samples = {(name, conns): [] for name in variants for conns in (10, 50)}
    for _ in range(RUNS):
        for (name, conns), got in samples.items():
            port = free_port()
            p = variants[name](port)
            try:
                got.append(wrk(port, conns, lua, server_pid=p.p.pid))
            finally:
                p.stop()
                if getattr(p, "cleanup", None):
                    shutil.rmtree(p.cleanup, ignore_errors=True)
    out = {}
    for (name, conns), got in samples.items():
        rps, p99s, errors, server_cpu, wrk_cpu = zip(*got)
        out[f"{name}/c{conns}"] = {
            "rps": median(rps),
            "p99_ms": median(p99s),
            "non_2xx": sum(errors),
            "server_cpu_us": median(server_cpu),
            "wrk_cpu_us": median(wrk_cpu),
        }
        log(f"  {name} c{conns}: {median(rps):.0f} req/s, p99 {median(p99s):.2f} ms, server CPU {median(server_cpu):.1f} µs/request")
    # The disk's own rate of creating small files, the floor under --save to disk.
    d = tempfile.mkdtemp(dir=tmp)
    t = time.time()
    for i in range(2000):
        with open(os.path.join(d, f"f{i}"), "wb") as f:
            f.write(b"x" * 1200)
    out["disk_file_creates_per_s"] = 2000 / (time.time() - t)
    shutil.rmtree(d)
    results["listen"] = out
    if COMPARE:
        results["machinery"] = {
            "compared": list(COMPARE),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "runs": RUNS,
            "figures": {k: v for k, v in out.items() if k.split("/")[0].split(":")[-1] in MACHINERY_FIGURES},
            "notes": previous_notes(),
        }


# The figures compared between binaries.
MACHINERY_FIGURES = {"listen_json": "`listen --json > file`", "listen_save_memory": "`listen --json --save` to memory"}


# The last comparison, kept in the repository so that BENCHMARKS.md keeps the section wherever it
# is regenerated. Its "notes" (the conclusions, written by hand) survive a new comparison.
MACHINERY_FILE = os.path.join(ROOT, "bench/machinery.json")


def previous_notes():
    return load_machinery().get("notes", [])


def load_machinery():
    if not os.path.exists(MACHINERY_FILE):
        return {}
    with open(MACHINERY_FILE) as f:
        return json.load(f)


def save_machinery(m):
    with open(MACHINERY_FILE, "w") as f:
        json.dump(m, f, indent=2)
        f.write("\n")


def soak(tmp, lua, binary=WL):
    log(f"listen under load for {SOAK} s: peak memory and descriptors")
    port = free_port()
    p = Proc([binary, "listen", "--port", str(port), "--secret", KEY, "--json"], port, stdout=open(os.path.join(tmp, "soak.ndjson"), "w"))
    pid = p.p.pid

    def fds():
        return len(os.listdir(f"/proc/{pid}/fd"))

    def rss_kb(field):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
        return 0

    base_fds, base_rss = fds(), rss_kb("VmRSS")
    rps, *_ = wrk(port, 50, lua, duration=SOAK)
    time.sleep(1)
    # Distinct events too, so the duplicate and stale maps fill.
    run([WL, "send", "--secret", KEY, "--url", f"http://127.0.0.1:{port}/webhooks", "--topic", "all", "--count", "4000", "--concurrency", "32", "--json"])
    time.sleep(1)
    results["soak" if binary == WL else "compared_soak"] = {
        "seconds": SOAK,
        "rps": rps,
        "baseline_fds": base_fds,
        "after_fds": fds(),
        "baseline_rss_mb": base_rss / 1024,
        "peak_rss_mb": rss_kb("VmHWM") / 1024,
        "after_rss_mb": rss_kb("VmRSS") / 1024,
    }
    p.stop()


# ---------------------------------------------------------------------------- send
def load_capture(tmp, capture):
    """The capture document, and its body written to a file for curl and oha."""
    with open(capture) as f:
        doc = json.loads(f.readline())
    body_path = os.path.join(tmp, "body-1k.json")
    with open(body_path, "w") as f:
        f.write(doc["body"])
    return doc, body_path


def minimal_receiver():
    """The minimal hyper server answering 200, and its webhook URL."""
    port = free_port()
    return Proc([SERVER, str(port)], port), f"http://127.0.0.1:{port}/webhooks"


def burst_command(url, doc):
    """wl-hook's side of the send burst: 20,000 distinct events shaped like the 1 KiB load."""
    return [WL, "send", "--secret", KEY, "--url", url, "--topic", "client.created", "--add", f'text_note="{doc_pad(doc)}"',
            "--count", "20000", "--concurrency", "64", "--json"]


def send_burst(tmp, capture):
    log("send burst vs oha (20,000 deliveries, concurrency 64)")
    p, url = minimal_receiver()
    doc, body_path = load_capture(tmp, capture)
    wl_rates, oha_rates = [], []
    try:
        # A burst lasts a fraction of a second: more rounds than elsewhere, alternating.
        for _ in range(max(RUNS, 5)):
            text = run(burst_command(url, doc))
            summary = json.loads(text.strip().splitlines()[-1])
            assert summary["accepted"] == 20000, summary
            wl_rates.append(summary["per_second"])
            cmd = ["oha", "-n", "20000", "-c", "64", "-m", "POST", "-D", body_path, "--no-tui", "--output-format", "json"]
            for name, value in doc["headers"]:
                cmd += ["-H", f"{name}: {value}"]
            data = json.loads(run(cmd + [url]))
            oha_rates.append(data["summary"]["requestsPerSec"])
    finally:
        p.stop()
    results["send_burst"] = {"wl_hook": median(wl_rates), "oha": median(oha_rates)}


def doc_pad(doc):
    body = json.loads(doc["body"])
    return body.get("text_note", "")


def single_send(tmp, capture):
    log("one send vs curl")
    p, url = minimal_receiver()
    doc, body_path = load_capture(tmp, capture)
    headers = " ".join(f"-H '{n}: {v}'" for n, v in doc["headers"])
    try:
        results["single_send"] = hyperfine(
            {
                "curl": f"sh -c \"curl -sS -o /dev/null {headers} --data-binary @{body_path} {url}\"",
                "wl_hook": f"{WL} send --secret {KEY} --url {url} --topic client.created",
            },
            runs=max(RUNS * 10, 30),
        )
        results["single_send"]["sh_alone"] = hyperfine({"sh": "sh -c true"}, runs=30)["sh"]
    finally:
        p.stop()


def startup():
    log("start-up and size")
    results["startup"] = hyperfine(
        {"rg_version": "rg --version", "wl_version": f"{WL} --version", "wl_fixtures_list": f"{WL} fixtures list"},
        runs=max(RUNS * 10, 50),
    )
    results["size_bytes"] = os.path.getsize(WL)


def replay(tmp, capture):
    log("replay of the whole 72-hour schedule against a receiver that always fails")
    port = free_port()
    p = Proc([SERVER, str(port), "fail"], port)
    try:
        results["replay"] = hyperfine(
            {"replay_72h": f"{WL} replay {capture} --url http://127.0.0.1:{port}/webhooks --schedule wellnessliving"},
            runs=max(RUNS * 5, 20),
            extra=["-i"],
        )
    finally:
        p.stop()


# ---------------------------------------------------------------------------- report
def report():
    r = results
    pr = r["protocol"]
    lines = []
    w = lines.append
    m = r["machine"]
    w("# wl-hook benchmarks\n")
    w("Generated by `bench/run.sh` (do not edit by hand). Every figure is a median over several runs and")
    w("is compared with a reference measured in the same run on the same machine.\n")
    w(f"- Machine: {m['cpu']}, {m['cores']} cores, SHA-NI: {'yes' if m['sha_ni'] else 'no'}, Linux {m['kernel']}")
    w(f"- Toolchain: {m['rustc']}; date: {m['date']}")
    w(f"- Settings: {RUNS} runs per figure ({max(RUNS, 5)} for the send burst, {max(RUNS, 5) * 2} and {max(RUNS, 5) * 3} in turns for verify; the listen variants take turns), {DURATION} s per load run, {SOAK} s soak\n")

    def bar(ok):
        return "met" if ok else "**not met**"

    w("## Signing and verifying (in-process, `cargo bench --bench protocol`)\n")
    w("| body | SHA-256 alone (limit) | HMAC (hmac crate) | wl-hook sign | wl-hook verify | verify ÷ HMAC |")
    w("|---|---|---|---|---|---|")
    for size, label in [(64, "64 B"), (1024, "1 KiB"), (65536, "64 KiB"), (16777216, "16 MiB")]:
        sha, hm, sg, vf = (pr.get(f"{k}/{size}") for k in ("sha256_bare", "hmac_bare", "sign", "verify"))
        if None in (sha, hm, sg, vf):
            continue
        gbps = lambda t: f"{fmt_time(t)} ({size / t / 1e9:.2f} GB/s)"
        w(f"| {label} | {gbps(sha)} | {gbps(hm)} | {gbps(sg)} | {gbps(vf)} | {vf / hm:.2f}× |")
    v1k = pr["verify/1024"] / pr["hmac_bare/1024"]
    w(f"\nBar: in-process verify of 1 KiB within 1.3× of a bare HMAC: {v1k:.2f}× — {bar(v1k <= 1.3)}.")
    w(f"Rendering and signing one delivery (send's per-delivery work): {fmt_time(pr['render_and_sign_delivery'])}.\n")

    verify_report(r, w)

    L = r["listen"]
    w("## `wl-hook listen` throughput (wrk, 1 KiB signed body, keep-alive)\n")
    w("| receiver | 10 connections | p99 | CPU per request (server + wrk) | 50 connections | p99 |")
    w("|---|---|---|---|---|---|")
    names = {
        "hyper_minimal": "minimal hyper server answering 200 (the limit)",
        "hyper_verify": "minimal hyper server that verifies and pretty-prints each body",
        "python_http_server": "Python `http.server` that verifies",
        "listen_json": "`listen --json > file` (verifies, JSON output)",
        "listen_save_memory": "`listen --json --save` to a memory file system",
        "listen_save_disk": "`listen --json --save` to disk",
    }
    for k, label in names.items():
        a, b = L[f"{k}/c10"], L[f"{k}/c50"]
        cpu = f"{a['server_cpu_us']:.1f} + {a['wrk_cpu_us']:.1f} µs"
        w(f"| {label} | {a['rps']:.0f}/s | {a['p99_ms']:.2f} ms | {cpu} | {b['rps']:.0f}/s | {b['p99_ms']:.2f} ms |")
    hj = min(L["listen_json/c10"]["rps"] / L["hyper_minimal/c10"]["rps"], L["listen_json/c50"]["rps"] / L["hyper_minimal/c50"]["rps"])
    sp = min(L["listen_save_memory/c10"]["rps"] / L["python_http_server/c10"]["rps"], L["listen_save_memory/c50"]["rps"] / L["python_http_server/c50"]["rps"])
    sd = min(L["listen_save_disk/c10"]["rps"] / L["python_http_server/c10"]["rps"], L["listen_save_disk/c50"]["rps"] / L["python_http_server/c50"]["rps"])
    p99 = L["listen_json/c10"]["p99_ms"]
    hv = min(L["listen_json/c10"]["rps"] / L["hyper_verify/c10"]["rps"], L["listen_json/c50"]["rps"] / L["hyper_verify/c50"]["rps"])
    cores = r["machine"]["cores"]
    lj, hm = L["listen_json/c10"], L["hyper_minimal/c10"]
    # wrk and listen together cannot use more than the cores.
    ceiling = cores / ((lj["server_cpu_us"] + lj["wrk_cpu_us"]) * 1e-6)
    lp = min(L["listen_json/c10"]["rps"] / L["python_http_server/c10"]["rps"], L["listen_json/c50"]["rps"] / L["python_http_server/c50"]["rps"])
    w(f"\n- Bar (issue #14): at least 1.0× the hyper server that also verifies and pretty-prints: {hv:.2f}× (worse of 10 and 50 connections) — {bar(hv >= 1.0)}.")
    w(f"- Bar (issue #14): at least 10× the Python receiver: {lp:.2f}× — {bar(lp >= 10)}.")
    w(f"  Against the hyper limit: {hj:.2f}× (the hyper limit itself is {min(L['hyper_minimal/c10']['rps'] / L['python_http_server/c10']['rps'], L['hyper_minimal/c50']['rps'] / L['python_http_server/c50']['rps']):.1f}× Python here).")
    w(f"  wrk shares the {cores} cores: at 10 connections hyper costs {hm['server_cpu_us']:.1f} µs of CPU per request and listen {lj['server_cpu_us']:.1f} µs")
    w(f"  (the HMAC, the payload key's SHA-256 and one JSON check of the body on the thread that serves, the JSON line and its write on the output thread),")
    w(f"  wrk {lj['wrk_cpu_us']:.1f} µs: even with every core busy all the time, the ceiling is {ceiling:.0f} requests/s here")
    w(f"  ({ceiling / hm['rps']:.2f}× the hyper figure). Profile: `bench/profiles/listen.txt` (`bench/profile.sh`).")
    w(f"- Bar: at least 3× the Python receiver with `--save`: {sp:.2f}× to memory — {bar(sp >= 3)}; {sd:.2f}× to disk.")
    w(f"  This disk creates {L['disk_file_creates_per_s']:.0f} small files per second from Python in the same run: `--save` to disk writes one file per request, so it cannot go faster than that.")
    w(f"- Bar: p99 under 2 ms at 10 connections: {p99:.2f} ms — {bar(p99 < 2)}.\n")

    s = r["soak"]
    w(f"## `listen` under sustained load ({s['seconds']} s at 50 connections, then 52,000 distinct events)\n")
    w(f"- Throughput during the run: {s['rps']:.0f} requests/s.")
    w(f"- Memory: {s['baseline_rss_mb']:.1f} MB at start, peak {s['peak_rss_mb']:.1f} MB, {s['after_rss_mb']:.1f} MB after. Bar: peak under 50 MB — {bar(s['peak_rss_mb'] < 50)}.")
    w(f"- Open descriptors: {s['baseline_fds']} before, {s['after_fds']} after — {bar(s['after_fds'] <= s['baseline_fds'])}.\n")

    sb = r["send_burst"]
    ratio = sb["wl_hook"] / sb["oha"]
    w("## `wl-hook send` burst (20,000 deliveries, concurrency 64, minimal hyper receiver)\n")
    w(f"- wl-hook (every delivery a distinct event, rendered and signed): {sb['wl_hook']:.0f}/s")
    w(f"- oha (one precomputed body and header set): {sb['oha']:.0f}/s")
    w(f"- Bar: at least 0.5× oha: {ratio:.2f}× — {bar(ratio >= 0.5)}.\n")

    ss = r["single_send"]
    w("## One `wl-hook send` vs curl with the same bytes\n")
    w(f"- curl (headers precomputed, run through `sh -c`): {fmt_time(ss['curl'])}; `sh -c true` alone: {fmt_time(ss['sh_alone'])}")
    curl_alone = max(ss["curl"] - ss["sh_alone"], 1e-6)
    w(f"- wl-hook (renders, signs, sends): {fmt_time(ss['wl_hook'])}")
    w(f"- Bar: no slower than curl: {ss['wl_hook'] / curl_alone:.2f}× curl without the shell — {bar(ss['wl_hook'] <= curl_alone)}.\n")

    st = r["startup"]
    w("## Start-up and size\n")
    w(f"- `rg --version`: {fmt_time(st['rg_version'])}; `wl-hook --version`: {fmt_time(st['wl_version'])} ({st['wl_version'] / st['rg_version']:.2f}×); `wl-hook fixtures list`: {fmt_time(st['wl_fixtures_list'])} ({st['wl_fixtures_list'] / st['rg_version']:.2f}×)")
    worst = max(st["wl_version"], st["wl_fixtures_list"]) / st["rg_version"]
    w(f"- Bar: within 1.5× of ripgrep's start-up: {worst:.2f}× — {bar(worst <= 1.5)}.")
    mb = r["size_bytes"] / 1e6
    w(f"- Stripped release binary: {mb:.2f} MB. Bar: under 6 MB — {bar(mb < 6)}.\n")

    machinery_report(r, w)

    rp = r["replay"]["replay_72h"]
    w("## `wl-hook replay`: the whole 72-hour schedule, receiver always failing\n")
    w(f"- 15 attempts over 65 h 3 min of simulated time: {fmt_time(rp)} of wall time (process start to exit). Bar: under 100 ms — {bar(rp < 0.1)}.\n")
    w("Raw data: `target/bench/results.json`, `target/bench/divan.txt`.")
    path = os.path.join(ROOT, "BENCHMARKS.md")
    # Sections measured by other scripts (bench/setup-time.sh) are written by hand below this
    # marker and kept as they are.
    kept = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if HAND_WRITTEN in old:
            kept = "\n" + old[old.index(HAND_WRITTEN):]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + kept)


HAND_WRITTEN = "<!-- Hand-written below: bench/run.py keeps this part. -->"


def bar(ok):
    return "met" if ok else "**not met**"


def verify_report(r, w):
    v = r["verify_64mib"]
    ratio = v["capture"] / v["openssl"]
    raw = v["raw_http"] / v["openssl"]
    w("## `wl-hook verify` of a 64 MiB capture, end to end\n")
    w("| command | median | ÷ openssl |")
    w("|---|---|---|")
    w(f"| `openssl dgst -sha256 -hmac` on the body | {fmt_time(v['openssl'])} | 1.00× |")
    w(f"| `wl-hook verify large.json` (capture document) | {fmt_time(v['capture'])} | {ratio:.2f}× |")
    w(f"| `wl-hook verify large.http` (raw HTTP dump) | {fmt_time(v['raw_http'])} | {raw:.2f}× |")
    w(f"\nBars: a raw HTTP dump within 1.5× of openssl: {raw:.2f}× — {bar(raw <= 1.5)}; a capture document within 2×: {ratio:.2f}× — {bar(ratio <= 2)}.")
    w(VERIFY_LARGE_TEXT + "\n")

    f = r.get("verify_folder")
    if not f:
        return
    n = f["files"]
    cat, py, wl, one = f["cat_sha256sum"], f["python"], f["wl_hook"], f["wl_hook_one_core"]
    w(f"## `wl-hook verify` of a CI run's captures ({n:,} files, {f['bytes'] / 1e6:.0f} MB)\n")
    w("The captures of `send --topic all --count 800` into `listen --save`, on disk (in the page cache), all valid.\n")
    w("| command | median | per capture | ÷ `cat \\| sha256sum` |")
    w("|---|---|---|---|")
    rows = [
        ("`cat DIR/* \\| sha256sum` (read and hash every byte once: the limit)", cat),
        ("`python3 bench/verify_captures.py` (the same checks: json.load, hmac, sha256)", py),
        ("`wl-hook verify DIR -q`", wl),
        ("`taskset -c 0 wl-hook verify DIR -q` (one core: one worker)", one),
    ]
    for label, t in rows:
        w(f"| {label} | {fmt_time(t)} | {fmt_time(t / n)} | {t / cat:.2f}× |")
    w(f"\nBars: within 1.2× of `cat | sha256sum`: {wl / cat:.2f}× — {bar(wl <= 1.2 * cat)}; at least 5× the Python script: {py / wl:.2f}× — {bar(py >= 5 * wl)}.")
    w(f"The workers (one per core, here {r['machine']['cores']}) earn {one / wl - 1:+.0%} over one core.")
    w(VERIFY_FOLDER_TEXT + "\n")

    m = load_json(VERIFY_MACHINERY_FILE)
    if m:
        figs = m["figures"]
        w(f"Measured side by side on the same folder ({m['date']}; `BENCH_VERIFY_COMPARE=label=path bench/run.sh --only verify`):\n")
        w("| binary | median | its gain over this one |")
        w("|---|---|---|")
        w(f"| this one | {fmt_time(figs['wl_hook'])} | — |")
        w(f"| this one on one core | {fmt_time(figs['wl_hook_one_core'])} | {figs['wl_hook'] / figs['wl_hook_one_core'] - 1:+.1%} |")
        for label in m["compared"]:
            t = figs.get(f"{label}:wl_hook")
            if t:
                w(f"| {label} | {fmt_time(t)} | {figs['wl_hook'] / t - 1:+.1%} |")
        for text in m.get("notes", []):
            w(f"\n{text}")
        w("")


VERIFY_LARGE_TEXT = """\
Where the time goes (`bench/profiles/verify-http.txt`, `bench/profiles/verify-capture.txt`, `bench/profile.sh
verify`): verify hashes the body twice (HMAC-SHA256 for `x-signature-256`, SHA-256 for `x-payload-key`, at the
SHA-NI limit of 1.3 to 1.8 GB/s each on the machines measured) and checks that it is JSON (UTF-8, then serde_json skipping strings),
three passes that run side by side on the cores; openssl hashes once. The rest is the kernel: copying the file
into fresh memory, zeroing and faulting its pages in (a file of 16 MiB or more is read in parts by one thread
per core). On 2 cores the three passes alone take about 1.5 openssl passes of time when the machine is
otherwise idle, and 3 when the second core is busy (measured: the same 155 ms on one core as on two under a
load of 3), which is where the dump's figure stays.
A capture document also holds the body as a JSON string. When the document ends with it (as wl-hook writes
them), serde_json reads the document with the string set aside and never scans it; the string is decoded
(eight bytes at a time, one part per core, cut between escapes) into one buffer of its escaped length, and
checked as serde_json would (`capture/input.rs` `body_set_aside`, `unescape_string`). A JSON body escapes
every quote (8.4 million escapes in this one): the decoding is a sixth of the capture's samples, the two
hashes a third, and for the dump the hashes half, the JSON check a quarter, the kernel a fifth.
Memory: the input once, plus the decoded body for a capture document (peak 72 MB for the dump, 150 MB for the
capture document); a folder of large inputs needs that for one of them (tested under `ulimit -d`)."""

VERIFY_FOLDER_TEXT = """\
Where the time goes (`bench/profiles/verify-dir.txt`, `bench/profile.sh verify-dir`): just under half of
the samples are the kernel opening, reading and closing 10,400 files (four system calls per file: open, a
read into a 16 KiB buffer that takes the whole capture, a read that says it ended, close; no `stat`); in
wl-hook, the two hashes (HMAC and payload key, 11%), decoding the capture's body string by hand (7%; serde_json
reads the rest of the document with the string set aside), serde_json for the other fields and the JSON check of
the body, the time checks, and memory allocation (about 7%). With `-q` the passing checks' one-line reasons
are not formatted (nothing prints them). The Python script spends most of its time in the interpreter around
the same calls.

What changed to get here, each measured against the binary without it (table below): the folder is listed
without a `stat` per file and sorted by file name; the available cores are asked once, not per file (on
Linux that reads three cgroup files: before, a capture took 28 system calls, 4 opens, 7 stats, 4 seeks, 9
reads and 4 closes, against 4 now); capture
documents are read in one pass into their fields, falling back to the general reader (a JSON tree, with
its precise error messages) for anything else; inputs are checked on every core, in blocks of 32 taken by
whichever worker is free, and printed in input order."""


MACHINERY_TEXT = """\
Issue #14 asked that every piece of machinery that exists only to make `listen` faster earn at least
10% on a figure here, measured with and without it side by side, or go. The pieces were: the output
thread (`output/background.rs`, a `BackgroundWriter` fed batches of events to format and write), the
capture writer thread with its channel and batches (`server/saver.rs`), the splicing of the raw body
into the JSON line (`output/listen.rs`), and the `Pending`/`FlushPolicy` batching of output
(`commands/listen.rs`). The plain versions: a `BufWriter` on stdout written by the task that receives
the events and flushed whenever no more events wait; one `spawn_blocking` per capture; the JSON line
serialised by serde (a one-line body as a `RawValue`). Each binary below was measured in the same
rounds as this one (`BENCH_COMPARE=label=path,... bench/run.sh --only listen`); a gain is the other
binary's rate over this one's."""


def machinery_report(r, w):
    m = load_machinery()
    if not m:
        return
    f = m["figures"]
    w("## Machinery kept or removed\n")
    w(MACHINERY_TEXT + "\n")
    w(f"Measured {m['date']}, {m['runs']} rounds, the binaries in turns (conditions below the table).\n")
    w("| figure | connections | this binary | compared binary | its rate | its gain |")
    w("|---|---|---|---|---|---|")
    for fig, label in MACHINERY_FIGURES.items():
        for c in (10, 50):
            a = f.get(f"{fig}/c{c}")
            if not a:
                continue
            for other in m["compared"]:
                b = f.get(f"{other}:{fig}/c{c}")
                if not b:
                    continue
                gain = b["rps"] / a["rps"] - 1
                w(f"| {label} | {c} | {a['rps']:.0f}/s, p99 {a['p99_ms']:.2f} ms | {other} | {b['rps']:.0f}/s, p99 {b['p99_ms']:.2f} ms | {gain * 100:+.1f}% |")
    for other, pair in m.get("soak", {}).items():
        now, base = pair["now"], pair["compared"]
        # The soaks run one after another, not in turns: their rates are not compared.
        w(f"| soak ({now['seconds']} s, one after another): peak memory | 50 | {now['peak_rss_mb']:.1f} MB | {other} | {base['peak_rss_mb']:.1f} MB | — |")
    for text in m.get("notes", []):
        w(f"\n{text}")
    w("")


def fmt_time(t):
    if t < 1e-6:
        return f"{t * 1e9:.0f} ns"
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def make_load(tmp):
    """The load of every throughput figure: a 1 KiB signed body as a capture document, and a
    wrk script that posts it. Returns both paths."""
    capture = os.path.join(tmp, "capture-1k.json")
    base = json.loads(run([WL, "sign", "--topic", "client.created", "--secret", KEY, "--seed", "1", "--format", "json"]))
    pad = "x" * max(0, 1024 - len(base["body"]) - len(',"text_note":""'))
    with open(capture, "w") as f:
        f.write(run([WL, "sign", "--topic", "client.created", "--secret", KEY, "--seed", "1", "--add", f'text_note="{pad}"', "--format", "json"]))
    lua = os.path.join(tmp, "post.lua")
    with open(lua, "w") as f:
        f.write(run(["python3", os.path.join(ROOT, "bench/wrk_script.py"), capture]))
    return capture, lua


def listen_figures(tmp, lua):
    """Throughput and the soak, of the compared binaries too."""
    listen_throughput(tmp, lua)
    soak(tmp, lua)
    for label, binary in COMPARE.items():
        soak(tmp, lua, binary=binary)
        pair = {"now": results["soak"], "compared": results.pop("compared_soak")}
        results["machinery"].setdefault("soak", {})[label] = pair


def main():
    previous = {}
    if os.path.exists(os.path.join(OUT, "results.json")):
        with open(os.path.join(OUT, "results.json")) as f:
            previous = json.load(f)
    if sys.argv[1:] == ["--report"]:
        # Write BENCHMARKS.md again from the last run's figures (after changing the report).
        with open(os.path.join(OUT, "results.json")) as f:
            results.update(json.load(f))
        report()
        log("wrote BENCHMARKS.md")
        return 0
    only_listen = sys.argv[1:] == ["--only", "listen"]
    only_verify = sys.argv[1:] == ["--only", "verify"]
    if sys.argv[1:] and not (only_listen or only_verify):
        print("usage: bench/run.py [--report | --only listen | --only verify]", file=sys.stderr)
        return 2
    os.makedirs(OUT, exist_ok=True)
    # A run that measures a part keeps the last figures of the rest.
    results.update({k: v for k, v in previous.items() if (only_listen or only_verify) and k != "machinery"})
    tmp = tempfile.mkdtemp(prefix="wl-hook-bench-")
    try:
        machine()
        capture, lua = make_load(tmp)
        if only_listen:
            listen_figures(tmp, lua)
            return 0
        if only_verify:
            verify_large(tmp)
            verify_folder(tmp)
            return 0
        protocol_benches()
        verify_large(tmp)
        verify_folder(tmp)
        # The client-side figures first: the listen runs leave the kernel writing back and
        # discarding thousands of capture files for a while, which would slow what follows.
        send_burst(tmp, capture)
        single_send(tmp, capture)
        startup()
        replay(tmp, capture)
        listen_figures(tmp, lua)
    finally:
        if "machinery" in results:
            save_machinery(results.pop("machinery"))
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(results, f, indent=2)
        shutil.rmtree(tmp, ignore_errors=True)
        if "protocol" in results:
            report()
            log("wrote BENCHMARKS.md")


if __name__ == "__main__":
    sys.exit(main())
