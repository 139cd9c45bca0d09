"""What printers this computer has, for the desk's Printer page to choose from.

- the system's printers (CUPS on Linux, the Windows printers), through Qt's print support:
  a thermal printer set up there as a raw queue takes ESC/POS as it is (``cups:NAME``,
  ``win32:NAME``);
- USB printers, found with pyusb: devices with an interface of the USB printer class (7),
  as ``usb:VID:PID`` (python-escpos opens them by those ids). Without pyusb or a libusb
  library, USB discovery is said to be unavailable, not failed.

A network printer cannot be listed without scanning the office's network: the page asks
for its address and prints a test page to it. Discovery talks to the system and to the USB
bus, so the windows run it on the outside workers.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from printing.errors import PrinterError
from printing.pdf import system_printers

log = logging.getLogger(__name__)

USB_PRINTER_CLASS = 7


@dataclass(frozen=True)
class FoundPrinter:
    """A printer found on this computer: its URI, its kind (``system``, ``usb``) and name."""

    uri: str
    kind: str
    name: str


@dataclass(frozen=True)
class Discovery:
    """The printers found, and whether USB could be looked at at all."""

    printers: tuple[FoundPrinter, ...]
    usb_available: bool


def system_printer_uris() -> list[FoundPrinter]:
    """The system's printers, as raw ESC/POS queues."""
    prefix = "win32" if sys.platform == "win32" else "cups"
    try:
        names, _default = system_printers()
    except PrinterError as error:
        log.warning("the system's printers could not be listed: %s", error)
        return []
    return [FoundPrinter(f"{prefix}:{name}", "system", name) for name in names]


def _is_printer(device: object) -> bool:
    if getattr(device, "bDeviceClass", 0) == USB_PRINTER_CLASS:
        return True
    for configuration in device:  # type: ignore[attr-defined]
        for interface in configuration:
            if interface.bInterfaceClass == USB_PRINTER_CLASS:
                return True
    return False


def _usb_name(device: object, vendor: int, product: int) -> str:
    import usb.util

    ids = f"{vendor:04x}:{product:04x}"
    try:
        names = [
            usb.util.get_string(device, index)
            for index in (device.iManufacturer, device.iProduct)  # type: ignore[attr-defined]
            if index
        ]
    except (ValueError, NotImplementedError, OSError, usb.core.USBError):
        return ids  # reading names needs access to the device; the ids do not
    label = " ".join(name for name in names if name)
    return f"{label} ({ids})" if label else ids


def usb_printers() -> tuple[list[FoundPrinter], bool]:
    """The USB printers plugged in, and whether USB could be looked at (pyusb and libusb)."""
    try:
        import usb.core
    except ImportError:
        return [], False
    try:
        devices = list(usb.core.find(find_all=True))
    except (usb.core.NoBackendError, usb.core.USBError, OSError) as error:
        log.warning("USB printers cannot be looked for here: %s", error)
        return [], False
    found = []
    for device in devices:
        try:
            if not _is_printer(device):
                continue
        except (usb.core.USBError, OSError):
            continue
        vendor, product = device.idVendor, device.idProduct
        uri = f"usb:{vendor:04x}:{product:04x}"
        found.append(FoundPrinter(uri, "usb", _usb_name(device, vendor, product)))
    return found, True


def discover() -> Discovery:
    """Every printer this computer has that the application can print to."""
    usb, usb_available = usb_printers()
    return Discovery(tuple(system_printer_uris() + usb), usb_available)
