"""The version of mscdata (and of the schema and data package it ships)."""

__version__ = "0.3.0"
