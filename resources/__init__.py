"""Package data: translations, fonts, styles, demo data (read with importlib.resources)."""
