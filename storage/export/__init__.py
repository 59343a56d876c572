"""Exports: what `pmkz export` writes from an archive.

records.py  the stored items as JSON lines, CSV, or a tree of text files (txt.py)
warc.py     the captures of the chosen items as one WARC file (the raw archive's records)
"""
from .records import FORMATS, check_filters, export_items
from .warc import export_warc

__all__ = ["FORMATS", "check_filters", "export_items", "export_warc"]
