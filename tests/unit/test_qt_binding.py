"""The Qt binding in use must not leak references to True or None (PySide6 6.12.0 did)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CALLS = 3000


def test_signals_and_void_calls_keep_the_reference_counts_of_true_and_none() -> None:
    # In a child process: the faulty binding aborts the interpreter ("bool_dealloc").
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtCore import QObject, Signal
        from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPen

        class Probe(QObject):
            fired = Signal(bool)

        app = QGuiApplication(["probe"])
        probe = Probe()
        probe.fired.connect(lambda value: None)
        image = QImage(8, 8, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
        for _ in range({CALLS}):
            probe.fired.emit(True)
            painter.setPen(QPen())
        print(sys.getrefcount(True) - true_before, sys.getrefcount(None) - none_before)
        painter.end()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-500:]
    true_drift, none_drift = (int(value) for value in result.stdout.split())
    assert abs(true_drift) < CALLS // 10
    assert abs(none_drift) < CALLS // 10
