"""The printer configuration: URIs, profiles and widths, refusals that name the printer."""

from __future__ import annotations

import pytest

from kiosk.office import OfficeContext
from printing.errors import PrinterConfigError
from printing.printer import PrinterConfig, PrinterTarget, parse_uri, profile_width


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("tcp://192.168.1.50", PrinterTarget("tcp://192.168.1.50", "tcp", host="192.168.1.50")),
        (
            "tcp://printer.local:9101",
            PrinterTarget("tcp://printer.local:9101", "tcp", host="printer.local", port=9101),
        ),
        ("usb:04b8:0202", PrinterTarget("usb:04b8:0202", "usb", vendor=0x04B8, product=0x0202)),
        (
            "serial:/dev/ttyUSB0",
            PrinterTarget("serial:/dev/ttyUSB0", "serial", path="/dev/ttyUSB0"),
        ),
        (
            "serial:COM3?baud=19200",
            PrinterTarget("serial:COM3?baud=19200", "serial", path="COM3", baud=19200),
        ),
        ("cups:TM-T20", PrinterTarget("cups:TM-T20", "cups", path="TM-T20")),
        ("file:/dev/usb/lp0", PrinterTarget("file:/dev/usb/lp0", "file", path="/dev/usb/lp0")),
    ],
)
def test_each_kind_of_printer_address_is_understood(uri: str, expected: PrinterTarget) -> None:
    assert parse_uri(uri) == expected


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("", "no printer is configured"),
        ("lpt1", "must start with one of"),
        ("http://printer", "must start with one of"),
        ("tcp://", "tcp://HOST"),
        ("tcp://printer:99999", "port must be a number"),
        ("usb:epson", "usb:VID:PID"),
        ("serial:", "serial:DEVICE"),
        ("serial:COM3?baud=fast", "baud rate"),
        ("cups:", "cups:NAME"),
    ],
)
def test_a_wrong_address_is_refused_naming_it(uri: str, message: str) -> None:
    with pytest.raises(PrinterConfigError, match=message) as refused:
        parse_uri(uri)
    if uri:
        assert repr(uri.strip()) in str(refused.value)


def test_windows_printers_exist_on_windows_only() -> None:
    with pytest.raises(PrinterConfigError, match="Windows only"):
        parse_uri("win32:EPSON TM-T20")


@pytest.mark.parametrize(
    ("profile", "width"),
    [("TM-T88V", 512), ("TM-T88III", 512), ("TM-T20II", 576), ("POS-5890", 384), ("", None)],
)
def test_the_width_comes_from_the_profile_when_it_knows_it(profile: str, width: int | None) -> None:
    assert profile_width(profile) == width
    config = PrinterConfig("tcp://p", profile=profile, width_dots=384)
    assert config.width == (width or 384)


def test_an_unknown_profile_is_refused_by_name() -> None:
    with pytest.raises(PrinterConfigError, match="no printer profile named 'TM-NOPE'"):
        profile_width("TM-NOPE")


def test_the_configuration_comes_from_the_settings(office: OfficeContext) -> None:
    office.settings.set(office.system, "printer.uri", "tcp://10.0.0.9")
    office.settings.set(office.system, "printer.profile", "TM-T88V")
    office.settings.set(office.system, "printer.fragment_pause_ms", "50")
    config = PrinterConfig.from_settings(office.settings)
    assert (config.uri, config.width, config.dpi, config.fragment_pause_ms) == (
        "tcp://10.0.0.9",
        512,
        180,
        50,
    )
    assert PrinterConfig.from_settings(office.settings, "file:/tmp/x").uri == "file:/tmp/x"
