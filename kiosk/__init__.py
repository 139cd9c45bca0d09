"""The application core of BAOM Desk: everything an office does, without Qt."""
