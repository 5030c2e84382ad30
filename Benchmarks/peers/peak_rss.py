"""Samples the peak resident set (VmHWM) of a process and all its descendants.

    python peak_rss.py ROOT_PID OUT.json

Every 0.2 s it walks /proc for ROOT_PID's descendants and keeps, per process, the largest
VmHWM seen (the kernel's own high-water mark, so short peaks between samples are not missed
while the process lives). On SIGTERM/SIGINT, or when ROOT_PID is gone, it writes
{"processes": {"PID command": bytes, ...}, "total_bytes": sum} to OUT.json.
"""

import json
import os
import signal
import sys
import time

root, out = int(sys.argv[1]), sys.argv[2]
peaks: dict[str, int] = {}
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


def children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


while running and os.path.exists(f"/proc/{root}"):
    tree = children()
    pending, seen = [root], []
    while pending:
        pid = pending.pop()
        seen.append(pid)
        pending += tree.get(pid, [])
    for pid in seen:
        try:
            with open(f"/proc/{pid}/status") as f:
                hwm = next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:")), 0)
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:80]
        except OSError:
            continue
        key = f"{pid} {command}"
        peaks[key] = max(peaks.get(key, 0), hwm)
    time.sleep(0.2)
with open(out, "w", encoding="utf-8") as f:
    json.dump({"processes": peaks, "total_bytes": sum(peaks.values())}, f, indent=1)
