"""Tickets and orientation slips: layout, raster, PDF and ESC/POS output (QtGui only)."""
