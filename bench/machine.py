"""What machine a benchmark ran on, stored next to its numbers."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import psutil


def machine_info(**extra: Any) -> dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:  # not Linux: leave it blank
        cpu_model = ""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        **extra,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
