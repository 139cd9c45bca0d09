"""The printer configuration shared by tickets and slips: URI, profile, width, timings.

One printer per machine, set by ``printer.uri`` (``--printer URI`` overrides it):

- ``tcp://HOST[:PORT]`` a network printer (port 9100 by default),
- ``usb:VID:PID`` a USB printer (hexadecimal ids, as ``lsusb`` shows them),
- ``serial:DEVICE[?baud=N]`` a serial printer (9600 baud by default),
- ``cups:NAME`` a CUPS queue, ``win32:NAME`` a Windows printer (Windows only),
- ``file:PATH`` a device file or a plain file,
- ``image:FOLDER`` no printer at all: each job is written to FOLDER as the exact PNG picture
  a thermal printer would print (the demo office's printer, which works on any PC).

The width is the python-escpos profile's when the profile knows it, else ``printer.width_dots``.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from escpos.capabilities import get_profile

from kiosk.office import Settings
from printing.errors import PrinterConfigError

DEFAULT_PORT = 9100
DEFAULT_BAUD = 9600
DEFAULT_DPI = 203
KINDS = ("tcp", "usb", "serial", "cups", "win32", "file", "image")


@dataclass(frozen=True)
class PrinterTarget:
    """Where the bytes go: a parsed printer URI."""

    uri: str
    kind: str
    host: str = ""
    port: int = DEFAULT_PORT
    path: str = ""
    vendor: int = 0
    product: int = 0
    baud: int = DEFAULT_BAUD


def _refuse(uri: str, why: str) -> PrinterConfigError:
    return PrinterConfigError(f"the printer address {uri!r} is not usable: {why}")


def parse_uri(uri: str) -> PrinterTarget:
    """The target of a printer URI, or :class:`PrinterConfigError` naming the URI."""
    text = uri.strip()
    if not text:
        raise PrinterConfigError(
            "no printer is configured: set one with 'baom config set printer.uri URI' "
            "or give --printer URI"
        )
    kind, separator, rest = text.partition(":")
    if not separator or kind not in KINDS:
        raise _refuse(text, f"it must start with one of {', '.join(k + ':' for k in KINDS)}")
    if kind == "tcp":
        parts = urlsplit(text)
        if not parts.hostname:
            raise _refuse(text, "write it tcp://HOST or tcp://HOST:PORT")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise _refuse(text, "the port must be a number from 1 to 65535") from None
        return PrinterTarget(text, kind, host=parts.hostname, port=port)
    if kind == "usb":
        vendor, _, product = rest.partition(":")
        try:
            return PrinterTarget(text, kind, vendor=int(vendor, 16), product=int(product, 16))
        except ValueError:
            raise _refuse(
                text, "write it usb:VID:PID with hexadecimal ids (usb:04b8:0202)"
            ) from None
    if kind == "serial":
        device, _, query = rest.partition("?")
        if not device:
            raise _refuse(text, "write it serial:DEVICE, e.g. serial:/dev/ttyUSB0 or serial:COM3")
        bauds = parse_qs(query).get("baud", [str(DEFAULT_BAUD)])
        if not bauds[0].isdigit():
            raise _refuse(text, "the baud rate must be a number (serial:DEVICE?baud=19200)")
        return PrinterTarget(text, kind, path=device, baud=int(bauds[0]))
    if not rest:
        raise _refuse(text, f"write it {kind}:NAME")
    if kind == "win32" and sys.platform != "win32":
        raise _refuse(text, "win32: printers exist on Windows only")
    return PrinterTarget(text, kind, path=rest)


def escpos_profile(name: str, width: int) -> Any:
    """The python-escpos profile ``name`` (``default`` when empty); when it does not know
    its width, it is told ``width`` so that python-escpos neither guesses nor warns."""
    try:
        profile = get_profile(name or "default")
    except KeyError:
        raise PrinterConfigError(f"python-escpos knows no printer profile named {name!r}") from None
    media = profile.profile_data.get("media", {})
    pixels = media.get("width", {}).get("pixels")
    if not isinstance(pixels, int):
        width_data = {**media.get("width", {}), "pixels": width}
        profile.profile_data = {**profile.profile_data, "media": {**media, "width": width_data}}
    return profile


def profile_width(name: str) -> int | None:
    """The printable width in dots that the python-escpos profile ``name`` gives, if any."""
    if not name:
        return None
    pixels = escpos_profile(name, 0).profile_data["media"]["width"]["pixels"]
    return pixels if isinstance(pixels, int) and pixels > 0 else None


def profile_dpi(name: str) -> int:
    """The resolution of the profile's printer (203 dpi when the profile does not say)."""
    if not name:
        return DEFAULT_DPI
    dpi = escpos_profile(name, 0).profile_data["media"].get("dpi")
    return dpi if isinstance(dpi, int) else DEFAULT_DPI


@dataclass(frozen=True)
class PrinterConfig:
    """The machine's printer: where it is, what model, how wide, how gently to feed it."""

    uri: str
    profile: str = ""
    width_dots: int = 576
    fragment_pause_ms: int = 0

    @classmethod
    def from_settings(cls, settings: Settings, uri: str | None = None) -> PrinterConfig:
        """The configured printer; ``uri`` (from ``--printer``) replaces ``printer.uri``."""
        return cls(
            uri=uri if uri is not None else str(settings.get("printer.uri")),
            profile=str(settings.get("printer.profile")),
            width_dots=int(settings.get("printer.width_dots")),
            fragment_pause_ms=int(settings.get("printer.fragment_pause_ms")),
        )

    @property
    def width(self) -> int:
        """Printable width in dots: the profile's when it knows it, else ``width_dots``."""
        return profile_width(self.profile) or self.width_dots

    @property
    def dpi(self) -> int:
        """Resolution in dots per inch (for the PDF's physical size)."""
        return profile_dpi(self.profile)

    def target(self) -> PrinterTarget:
        """The parsed URI (:class:`PrinterConfigError` when it is wrong)."""
        return parse_uri(self.uri)


_NEEDS = {"usb": "pyusb", "serial": "pyserial", "cups": "pycups", "win32": "pywin32"}


def connection(target: PrinterTarget, profile: str, width: int, timeout: float) -> Any:
    """An unopened python-escpos printer for ``target``."""
    from escpos import printer

    classes = {
        "tcp": printer.Network,
        "usb": printer.Usb,
        "serial": printer.Serial,
        "cups": printer.CupsPrinter,
        "win32": printer.Win32Raw,
        "file": printer.File,
    }
    kind = classes[target.kind]
    if not kind.is_usable():
        raise PrinterConfigError(
            f"the printer {target.uri} needs the Python package {_NEEDS[target.kind]}, "
            "which is not installed on this computer"
        )
    if target.kind == "tcp":
        device = kind(target.host, target.port, timeout=timeout)
    elif target.kind == "usb":
        device = kind(target.vendor, target.product, timeout=int(timeout * 1000))
    elif target.kind == "serial":
        device = kind(target.path, baudrate=target.baud, timeout=timeout)
    else:
        device = kind(target.path)
    device.profile = escpos_profile(profile, width)  # an instance: python-escpos takes names
    return device


def open_connection(target: PrinterTarget, profile: str, width: int, timeout: float) -> Any:
    """A python-escpos printer for ``target``, connected (OSError, an escpos error or
    RuntimeError when the printer cannot be reached)."""
    device = connection(target, profile, width, timeout)
    if target.kind == "tcp":
        # python-escpos 3.1's Network.open leaks its socket when the connection fails
        device.device = socket.create_connection((target.host, target.port), timeout)
    else:
        device.open()
    return device
