"""Accompaniment itineraries: the référentiel as data, applied to the needs of cases.

An itinerary template (``resources/itineraries/*.yaml``, checked when loaded by
:mod:`kiosk.itineraries.loader`) is the modelled path of one need: ordered steps, each
with its purpose, documents, the kind of partner service, a typical duration and maybe a
legal deadline, and branches that choose a path ("a birth more than 30 days old: the
court path"). :mod:`kiosk.itineraries.plan` works out a case's path and due dates (on
dates, in the office's time zone: :mod:`kiosk.itineraries.dates`);
:mod:`kiosk.itineraries.casework` applies a template to a need, ticks its steps and closes
it with the need; :mod:`kiosk.itineraries.views` shows it; :mod:`kiosk.itineraries.
learning` measures from the office's own cases how long each step really takes and where
cases stall; :mod:`kiosk.itineraries.statistics` sends the region step durations only.
"""
