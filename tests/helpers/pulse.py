"""A private PulseAudio server with a null sink and a null source: an audio output and a
microphone (of silence) on a PC without a sound card.

Started for a process that has not yet used QtMultimedia (Qt connects to the server the
first time it looks for devices): ``PULSE_SERVER`` then points at it. Debian
``pulseaudio`` is needed; without it nothing is started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def null_sink() -> Iterator[bool]:
    """A PulseAudio null sink for this process while the block runs; whether one runs."""
    if shutil.which("pulseaudio") is None:
        yield False
        return
    with tempfile.TemporaryDirectory(prefix="baom-pulse-") as folder:
        runtime = Path(folder)
        environment = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime)}
        server = subprocess.Popen(
            [
                "pulseaudio",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "-n",
                "--load=module-null-sink sink_name=baom_null",
                "--load=module-null-source source_name=baom_microphone",
                "--load=module-native-protocol-unix",
            ],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        socket = runtime / "native"
        deadline = time.monotonic() + 10
        while not socket.exists() and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.05)
        before = os.environ.get("PULSE_SERVER")
        os.environ["PULSE_SERVER"] = f"unix:{socket}"
        try:
            yield socket.exists()
        finally:
            if before is None:
                os.environ.pop("PULSE_SERVER", None)
            else:
                os.environ["PULSE_SERVER"] = before
            server.terminate()
            server.wait(timeout=10)
