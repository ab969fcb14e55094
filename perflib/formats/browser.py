"""Get a Chromium for PDF printing the way this machine allows, or say exactly how to.

Run as ``python -m perflib.formats.browser`` (``make browser``): a system Chromium or Chrome is used when
present; as root on Debian, ``apt-get install chromium`` provides one; otherwise Playwright
downloads its own. When none of these works it stops with the command to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from perflib.errors import BrowserNotFound
from perflib.formats.pdf import find_chromium

APT = ["apt-get", "install", "-y", "-q", "chromium", "fonts-dejavu-core"]


def _run(cmd: list[str]) -> bool:
    print("+ " + " ".join(cmd), file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(cmd, check=False, env=env).returncode == 0


def ensure() -> int:
    """Return 0 when a browser is available (installing one if allowed), else 1."""
    try:
        found = find_chromium()
    except BrowserNotFound as exc:
        print(f"browser: {exc}", file=sys.stderr)
        return 1
    if found:
        print(f"browser: {found}", file=sys.stderr)
        return 0
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        if _run(["apt-get", "update", "-q"]) and _run(APT) and find_chromium():
            return 0
    if _run([sys.executable, "-m", "playwright", "install", "chromium"]):
        return 0
    print("browser: no Chromium could be installed. Run one of:\n"
          "  sudo apt-get install -y chromium fonts-dejavu-core\n"
          f"  {sys.executable} -m playwright install chromium\n"
          "or set PERFLIB_CHROMIUM to a Chromium or Chrome executable.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(ensure())
