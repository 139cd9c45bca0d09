"""HSDS directory packages as both sides read them: the tables and their columns, the reader,
the cleaner and the BAOM profile's vocabulary, without any database (the office writes the
cleaned rows into its tables, ``kiosk.directory.importer``; the server keeps them as JSON,
``regional.directory``)."""
