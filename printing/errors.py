"""What can go wrong when printing; light to import, so the command line starts fast."""

from __future__ import annotations


class PrinterError(Exception):
    """Printing failed or cannot start; the message names the printer and what went wrong."""


class PrinterConfigError(PrinterError):
    """The printer configuration is wrong (URI, profile): retrying will not help."""


class NoSystemPrinter(PrinterError):
    """The computer has no system printer to print on A4 (none at all, or no default one)."""


class NothingSent(PrinterError):
    """The printer could not be reached: no byte left, so trying again is safe."""


class MaybeSent(PrinterError):
    """The connection broke after bytes left: the printer may have printed part or all."""


class SpoolError(Exception):
    """A spool action was refused (unknown job, or a state that does not allow it)."""


class SlipError(ValueError):
    """The slip cannot be made as asked; the message says why."""


class FontsMissing(RuntimeError):
    """The bundled fonts could not be loaded: slips would print boxes instead of letters."""
