"""Python loky's side of the side-by-side run (dev.loky.benchmarks.SideBySide).

Measures what the JVM benchmarks measure, with loky as vendored by joblib (Debian's
python3-joblib) or a standalone `loky` install, and prints `key=value` lines:

  loky_version, python_version
  noop_p50_us, noop_p99_us   no-op submit().result() round trip, 2 workers, one caller
  tasks_per_s                10,000 no-op tasks submitted at once, then all awaited
  map_items_per_s            executor.map(x -> x + 1) over 1,000,000 ints, chunked
  startup_ms                 a fresh pool of 2 to its first result (median of several)
"""
import statistics
import sys
import time

try:
    from joblib.externals import loky
except ImportError:  # a standalone loky
    import loky


def noop():
    return None


def increment(x):
    return x + 1


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print("loky_version=%s" % loky.__version__)
    print("python_version=%s" % sys.version.split()[0])
    sys.stdout.flush()

    executor = loky.get_reusable_executor(max_workers=2, timeout=300)
    for _ in range(200):
        executor.submit(noop).result()

    samples = []
    deadline = time.perf_counter() + 10.0
    while time.perf_counter() < deadline and len(samples) < 20000:
        t0 = time.perf_counter()
        executor.submit(noop).result()
        samples.append((time.perf_counter() - t0) * 1e6)
    samples.sort()
    print("noop_samples=%d" % len(samples))
    print("noop_p50_us=%.1f" % percentile(samples, 50))
    print("noop_p99_us=%.1f" % percentile(samples, 99))
    sys.stdout.flush()

    n = 10000
    rates = []
    for _ in range(rounds + 1):
        t0 = time.perf_counter()
        futures = [executor.submit(noop) for _ in range(n)]
        for f in futures:
            f.result()
        rates.append(n / (time.perf_counter() - t0))
    print("tasks_per_s=%.0f" % statistics.median(rates[1:]))
    sys.stdout.flush()

    items = 1000000
    chunksize = items // (4 * 2)
    rates = []
    for _ in range(rounds + 1):
        t0 = time.perf_counter()
        out = list(executor.map(increment, range(items), chunksize=chunksize))
        rates.append(items / (time.perf_counter() - t0))
        assert len(out) == items and out[-1] == items
    print("map_items_per_s=%.0f" % statistics.median(rates[1:]))
    sys.stdout.flush()
    executor.shutdown(wait=True, kill_workers=True)

    startups = []
    for _ in range(rounds + 2):
        t0 = time.perf_counter()
        pool = loky.ProcessPoolExecutor(max_workers=2)
        pool.submit(noop).result()
        startups.append((time.perf_counter() - t0) * 1e3)
        pool.shutdown(wait=True, kill_workers=True)
    print("startup_ms=%.0f" % statistics.median(startups))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
