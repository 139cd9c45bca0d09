"""ESC/POS bytes for a raster, and sending them to a printer in fragments.

The raster goes out as GS v 0 images (python-escpos ``bitImageRaster``) cut into fragments
at most 480 dots high, a multiple of 24, never centred by python-escpos (its centring mangles
images taller than one fragment). A slow printer may be given a pause between fragments.
The bytes are made once, with python-escpos's ``Dummy`` printer, and stored in the spool;
sending them tells apart a failure before any byte left from one after. Bytes taken are not
a print: a printer whose TCP window holds the whole job acknowledges it without reading it.
So, on a printer that can answer (network, USB, serial), the job ends with a status request
(DLE EOT 1); only the printer's answer, which comes once it has read the job, confirms it.
"""

from __future__ import annotations

import os
import re
import socket
import struct
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy
from PIL import Image

from printing.errors import MaybeSent, NothingSent, PrinterConfigError
from printing.preview import raster_of_job
from printing.printer import PrinterTarget, escpos_profile, open_connection
from printing.raster import Raster
from printing.status import OFFLINE, PRINTER_STATUS, ask, is_status_byte

FRAGMENT_HEIGHT = 480  # 20 lines of 24 dots: what every ESC/POS printer's buffer takes
assert FRAGMENT_HEIGHT % 24 == 0
SEND_BUFFER = 16 * 1024  # small, so a printer that stops reading blocks the send
ANSWERING = frozenset({"tcp", "usb", "serial"})
"""The connections on which a printer can answer a status request."""


@dataclass(frozen=True)
class Delivery:
    """How a job ended once every byte left: confirmed by the printer, or not (and why)."""

    confirmed: bool
    detail: str = ""


def escpos_chunks(raster: Raster, profile: str) -> tuple[bytes, ...]:
    """The job's bytes, one chunk per fragment: reset, GS v 0 images, then feed and cut."""
    printer = Dummy()
    printer.profile = escpos_profile(profile, raster.width)
    printer.hw("INIT")
    chunks: list[bytes] = []
    height = -(-raster.height // 24) * 24  # white rows added: every fragment a multiple of 24
    image = Image.new("1", (raster.width, height), 1)
    image.paste(raster.image, (0, 0))
    for top in range(0, height, FRAGMENT_HEIGHT):
        fragment = image.crop((0, top, raster.width, min(height, top + FRAGMENT_HEIGHT)))
        printer.image(
            fragment, impl="bitImageRaster", center=False, fragment_height=FRAGMENT_HEIGHT
        )
        chunks.append(bytes(printer.output))
        printer.clear()
    printer.cut()
    chunks.append(bytes(printer.output))
    return tuple(chunks)


def split_chunks(data: bytes, ends: Sequence[int]) -> tuple[bytes, ...]:
    """``data`` cut at the chunk ends stored with it."""
    starts = [0, *ends[:-1]]
    return tuple(data[start:end] for start, end in zip(starts, ends, strict=True))


def chunk_ends(chunks: Sequence[bytes]) -> list[int]:
    """Where each chunk ends in the joined bytes."""
    ends, total = [], 0
    for chunk in chunks:
        total += len(chunk)
        ends.append(total)
    return ends


def send(
    target: PrinterTarget,
    chunks: Sequence[bytes],
    *,
    profile: str,
    width: int,
    timeout: float,
    pause_s: float = 0.0,
    before_first_byte: Callable[[], None] = lambda: None,
    name: str = "job",
) -> Delivery:
    """Send ``chunks`` to the printer; :class:`NothingSent` or :class:`MaybeSent` on failure.

    ``before_first_byte`` runs once the connection is open, just before bytes leave, so the
    spool can record that from now on a failure may have printed something. Once every byte
    left, a printer that can answer is asked for its status: the :class:`Delivery` says
    whether it confirmed (a file, a CUPS or Windows queue took the whole job: confirmed).
    A picture printer (``image:FOLDER``) writes the job's picture to ``FOLDER/name.png``.
    """
    if target.kind == "image":
        return _save_picture(target, chunks, name)
    try:
        printer = open_connection(target, profile, width, timeout)
    except (OSError, EscposError, RuntimeError) as error:
        raise NothingSent(f"cannot reach the printer {target.uri}: {_plain(error)}") from error
    try:
        socket_: socket.socket | None = printer.device if target.kind == "tcp" else None
        if socket_ is not None:
            socket_.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        before_first_byte()
        for number, chunk in enumerate(chunks):
            if number and pause_s:
                time.sleep(pause_s)
            printer._raw(chunk)  # python-escpos has no public call for raw bytes
        if socket_ is not None:
            _wait_until_taken(socket_, timeout)
        delivery = _confirm(printer) if target.kind in ANSWERING else Delivery(True)
        printer.close()
    except (OSError, EscposError, RuntimeError) as error:
        _close_quietly(printer)
        raise MaybeSent(
            f"the printer {target.uri} stopped taking the job after part of it was sent "
            f"({_plain(error)}): check whether it printed"
        ) from error
    return delivery


def _save_picture(target: PrinterTarget, chunks: Sequence[bytes], name: str) -> Delivery:
    """The picture printer: the job's exact raster as a PNG in the target's folder."""
    raster = raster_of_job(b"".join(chunks))
    if raster is None:
        raise PrinterConfigError(f"the printer {target.uri} prints pictures, and this job has none")
    folder = Path(target.path)
    safe = re.sub(r"[^\w\-]+", "-", name).strip("-") or "job"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        raster.save_png(folder / f"{safe}.png")
    except OSError as error:
        raise NothingSent(f"cannot write to the printer {target.uri}: {_plain(error)}") from error
    return Delivery(True)


def _confirm(printer: Any) -> Delivery:
    """Ask the printer, after the job, whether it is there: it answers once it has read the
    job (a status request is read in turn, after the bytes before it)."""
    answer = ask(printer, PRINTER_STATUS)
    if answer is None:
        return Delivery(False, "it did not answer after the job")
    if not is_status_byte(answer):
        return Delivery(False, f"it answered {answer:#04x}, which is no printer status")
    if answer & OFFLINE:
        return Delivery(False, "it says it is offline (cover open, or out of paper)")
    return Delivery(True)


def _wait_until_taken(connection: socket.socket, timeout: float) -> None:
    """Wait until the printer has acknowledged every byte (Linux), so that a printer that
    stops reading or closes mid-job is noticed instead of taken for printed."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl
    import termios

    deadline = time.monotonic() + timeout
    while True:
        problem = connection.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if problem:
            raise OSError(problem, os.strerror(problem))
        unsent = struct.unpack("i", fcntl.ioctl(connection, termios.TIOCOUTQ, b"\0" * 4))[0]
        if unsent == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{unsent} bytes were still waiting for the printer")
        time.sleep(0.01)


def _close_quietly(printer: Any) -> None:
    try:
        printer.close()
    except (OSError, EscposError, RuntimeError):
        pass  # the connection is already broken; the error that broke it is reported


def _plain(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    if isinstance(error, EscposError) and isinstance(cause, OSError):
        error = cause  # python-escpos wraps the socket's error in its own "device not found"
    if isinstance(error, TimeoutError):
        return "it did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "it refused the connection (is it switched on and on the network?)"
    if isinstance(error, BrokenPipeError | ConnectionResetError):
        return "it closed the connection"
    text = " ".join(str(error).split())
    return text or type(error).__name__
