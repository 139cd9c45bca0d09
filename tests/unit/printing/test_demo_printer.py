"""The demo office's printer works on any PC (issue #13, item 3): a picture printer that
writes each job as the exact PNG a thermal printer would print, in the demo's folder."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops

from db.print_spool import PrintJobState
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from printing.jobs import demo_slip_for, render, slip_layout, spool_for, submit
from printing.printer import PrinterConfig


def test_the_demo_office_prints_its_slips_as_pictures(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path / "demo")
    prepare_demo(paths)
    context = open_office(paths)
    try:
        printer = PrinterConfig.from_settings(context.settings)
        folder = paths.data_dir / "demo-printer"
        assert printer.uri == f"image:{folder}"
        document = slip_layout(context, demo_slip_for(context), "ar")
        job = submit(context, document, "slip", printer)
        done = spool_for(context).attempt(job.id)
    finally:
        context.close()
    assert done is not None and done.state is PrintJobState.PRINTED, done
    (picture,) = folder.glob("*.png")
    assert "slip" in picture.name
    expected = render(document, printer).raster.image
    with Image.open(picture) as printed:
        height = expected.height
        assert printed.width == expected.width == 576
        top = printed.convert("L").crop((0, 0, printed.width, height))
        assert ImageChops.difference(top, expected.convert("L")).getbbox() is None


def test_a_demo_whose_printer_was_chosen_keeps_it(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path / "demo")
    prepare_demo(paths)
    context = open_office(paths)
    try:
        context.settings.set(context.system, "printer.uri", "tcp://192.0.2.7")
    finally:
        context.close()
    prepare_demo(paths)  # make demo again
    context = open_office(paths)
    try:
        assert context.settings.get("printer.uri") == "tcp://192.0.2.7"
    finally:
        context.close()
