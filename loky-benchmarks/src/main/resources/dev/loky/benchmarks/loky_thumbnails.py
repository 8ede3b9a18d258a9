"""Python loky's side of the thumbnail job (dev.loky.benchmarks.ThumbnailFiles --only python).

The same files as the JVM variants (photo-*.jpg and broken-*.jpg in DIR), each decoded with
Pillow, scaled to 320 px wide (bilinear) and written as a JPEG thumbnail into DIR/thumbs-python,
on loky's reusable executor with 2 workers and its default map (a failed file is counted, as
loky-jvm's mapAll does). One cold run, the executor's start included. Needs loky (or joblib,
which vendors it) and Pillow: on Debian, apt-get install python3-joblib python3-pil.

Prints key=value lines: loky_version, python_version, files, failed, wall_ms, cpu_ms (this
process and its workers, read once the workers have exited), idle_rss_mib (each worker's VmRSS
IDLE seconds after the job).
"""
import os
import resource
import sys
import time

try:
    from joblib.externals import loky
except ImportError:  # a standalone loky
    import loky


def thumbnail(path, out):
    from PIL import Image

    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            width = 320
            height = max(1, image.height * width // image.width)
            thumb = image.resize((width, height), Image.BILINEAR)
            name = os.path.basename(path)[: -len(".jpg")] + ".thumb.jpg"
            thumb.save(os.path.join(out, name), "JPEG")
        return True
    except Exception:  # a corrupt file: counted, the job goes on
        return False


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cpu_seconds():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    directory = sys.argv[1]
    idle = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    out = os.path.join(directory, "thumbs-python")
    os.makedirs(out, exist_ok=True)
    files = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".jpg"))
    print("loky_version=%s" % loky.__version__)
    print("python_version=%s" % sys.version.split()[0])
    print("files=%d" % len(files))
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    executor = loky.get_reusable_executor(max_workers=2)
    done = list(executor.map(thumbnail, files, [out] * len(files)))
    wall = time.perf_counter() - start
    pids = list(executor._processes.keys())
    time.sleep(idle)  # idling being measured, not a wait for a condition
    rss = ["%.0f" % rss_mib(pid) for pid in pids]
    executor.shutdown(wait=True, kill_workers=False)
    print("failed=%d" % done.count(False))
    print("wall_ms=%.0f" % (wall * 1000))
    print("cpu_ms=%.0f" % ((cpu_seconds() - cpu_before) * 1000))
    print("idle_rss_mib=%s" % ",".join(rss))


if __name__ == "__main__":
    main()
