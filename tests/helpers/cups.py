"""A real system printer for the tests: a private CUPS server with a cups-pdf queue.

``cupsd -f`` runs with its own configuration, spool, logs and socket in a temporary
folder (the computer's own CUPS, if any, is left alone), on a free port of 127.0.0.1. Its
one queue, ``BAOM_PDF``, is the default and prints through the cups-pdf backend into a
folder of the test's own: the backend reads ``/etc/cups/cups-pdf-<name>.conf`` for the
device ``cups-pdf:/<name>`` (its configuration folder is compiled in), so the fixture
writes such a file and removes it afterwards. A process sees the queue when
``CUPS_SERVER`` names the socket before Qt's print support loads: run ``baom`` as a
subprocess with :attr:`CupsServer.env`.

Needs the Debian packages ``cups``, ``cups-client`` and ``printer-driver-cups-pdf``, and
root (the cups-pdf backend runs as root only). Without them the tests that use the fixture
are skipped, saying what is missing; in CI (``CI`` set), where the test command installs
the packages, a missing one fails them instead (:func:`missing_package`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from tests.helpers.printers import free_port

QUEUE = "BAOM_PDF"
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")  # compiled into the cups-pdf backend
MODEL = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
PPD_FILES = (
    Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"),
    Path("/usr/share/cups/model/CUPS-PDF_opt.ppd"),
)
SERVER_BIN = Path("/usr/lib/cups")
DATA_DIR = Path("/usr/share/cups")
START_TIMEOUT = 15.0


@dataclass
class CupsServer:
    """A running private CUPS server and its cups-pdf queue."""

    root: Path
    socket: Path
    port: int
    queue: str
    out_dir: Path
    process: subprocess.Popen[bytes]
    seen: set[Path] = field(default_factory=set)

    @property
    def env(self) -> dict[str, str]:
        """The environment of a process that prints through this server."""
        return {**os.environ, "CUPS_SERVER": str(self.socket), "QT_QPA_PLATFORM": "offscreen"}

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """A CUPS client command (``lpstat``, ``lpadmin``…) against this server."""
        return subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=30, check=False
        )

    def log(self) -> str:
        """The server's error log (what the scheduler, filters and backend said)."""
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def wait_for_pdf(self, timeout: float = 60.0) -> Path:
        """The next PDF that cups-pdf writes, once its size stops changing."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = sorted(set(self.out_dir.glob("*.pdf")) - self.seen)
            if new:
                path = new[0]
                size = -1
                while size != path.stat().st_size and time.monotonic() < deadline:
                    size = path.stat().st_size
                    time.sleep(0.3)
                self.seen.add(path)
                return path
            time.sleep(0.2)
        jobs = self.run("lpstat", "-W", "all", "-o").stdout
        raise AssertionError(
            f"cups-pdf wrote no PDF in {timeout:.0f} s; jobs:\n{jobs}\n{self.log()}"
        )


def missing_package(reason: str) -> NoReturn:
    """Skip the test on a developer's machine without a Debian package; fail it in CI (the
    ``CI`` variable set), where ``make test`` installs the package, so that printing is
    never left untested there unnoticed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the test command installs it)", pytrace=False)
    pytest.skip(reason)


def _missing_packages() -> str:
    tools = [tool for tool in ("cupsd", "lpadmin", "lpstat") if shutil.which(tool) is None]
    if tools or not CUPS_PDF_BACKEND.exists():
        return (
            f"CUPS and cups-pdf are not installed (missing: {', '.join(tools) or 'cups-pdf'}): "
            "apt-get install cups cups-client printer-driver-cups-pdf"
        )
    return ""


def _write_config(root: Path, socket: Path, port: int) -> None:
    conf = root / "etc"
    for folder in ("etc/ppd", "etc/ssl", "spool/tmp", "cache", "state", "log", "tmp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "tmp").chmod(0o1777)
    (conf / "cups-files.conf").write_text(
        f"ServerRoot {conf}\n"
        f"RequestRoot {root / 'spool'}\n"
        f"CacheDir {root / 'cache'}\n"
        f"StateDir {root / 'state'}\n"
        f"TempDir {root / 'tmp'}\n"
        f"ErrorLog {root / 'log' / 'error_log'}\n"
        f"AccessLog {root / 'log' / 'access_log'}\n"
        f"PageLog {root / 'log' / 'page_log'}\n"
        f"ServerBin {SERVER_BIN}\n"
        f"DataDir {DATA_DIR}\n"
        "User lp\nGroup lp\nSystemGroup root\n"
    )
    (conf / "cupsd.conf").write_text(
        "LogLevel info\n"
        f"Listen {socket}\n"
        f"Listen 127.0.0.1:{port}\n"
        "Browsing No\nWebInterface No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )


def _wait_until_running(server: CupsServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"cupsd stopped at once:\n{server.log()}")
        if "scheduler is running" in server.run("lpstat", "-r").stdout:
            return
        time.sleep(0.2)
    raise RuntimeError(f"cupsd did not answer within {START_TIMEOUT:.0f} s:\n{server.log()}")


def _add_queue(server: CupsServer, device: str) -> None:
    added = server.run("lpadmin", "-p", server.queue, "-E", "-v", device, "-m", MODEL)
    if added.returncode != 0:  # the model is not listed by this CUPS: give the PPD file
        ppd = next((path for path in PPD_FILES if path.exists()), None)
        if ppd is None:
            raise RuntimeError(f"no cups-pdf PPD: {added.stderr}")
        added = server.run("lpadmin", "-p", server.queue, "-E", "-v", device, "-P", str(ppd))
    if added.returncode != 0:
        raise RuntimeError(f"lpadmin could not add the cups-pdf queue: {added.stderr}")
    server.run("lpadmin", "-d", server.queue)


@pytest.fixture(scope="session")
def cups_server() -> Iterator[CupsServer]:
    """A private CUPS server whose default queue ``BAOM_PDF`` writes PDF files."""
    missing = _missing_packages()
    if missing:
        missing_package(missing)
    if os.geteuid() != 0:
        pytest.skip("a private CUPS server with the cups-pdf backend needs root")
    # not under pytest's temporary folder: it is private to root (0700), and the filters run
    # as the user lp, who must reach the spool and the temporary folder
    root = Path(tempfile.mkdtemp(prefix="baom-cups-"))
    root.chmod(0o755)
    out_dir = root / "pdf"
    out_dir.mkdir()
    socket, port = root / "cups.sock", free_port()
    _write_config(root, socket, port)
    name = f"baomtest{uuid.uuid4().hex[:8]}"
    config = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{name}.conf"
    config.write_text(f"Out {out_dir}\nAnonDirName {out_dir}\nUserUMask 0022\nLabel 0\n")
    etc = root / "etc"
    process = subprocess.Popen(
        ["cupsd", "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = CupsServer(root, socket, port, QUEUE, out_dir, process)
    try:
        _wait_until_running(server)
        _add_queue(server, f"cups-pdf:/{name}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        config.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)
