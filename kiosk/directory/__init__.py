"""The service directory: HSDS 3.0 import and export, multilingual search, service cards."""
