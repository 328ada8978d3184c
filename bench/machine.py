"""The machine a bench ran on, printed beside its figures: CPU model, cores, Python and load.

Figures from a shared machine mean little without the load beside them, and every bench prints
a baseline from the same run for the same reason.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

__all__ = ["machine"]


def machine() -> str:
    """`machine: <CPU model>, <n> cores, Python <version>, load average <1, 5, 15 min>`."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load}"
    )
