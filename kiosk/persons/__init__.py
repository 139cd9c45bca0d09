"""Persons: matching names across scripts and spellings, normalising phone numbers."""
