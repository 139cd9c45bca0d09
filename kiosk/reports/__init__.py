"""The office's activity reports: the figures of a period (:mod:`kiosk.reports.period`), the
cases behind each figure (:mod:`kiosk.reports.lists`, for the desk's Reports page) and the
monthly report written for the commune, the association and the funders
(:mod:`kiosk.reports.monthly`). Every figure is defined once, in ``period``, and documented
in ``docs/reports.md``."""
