"""The offline stand-in of primeminister.kz: its source data, its truth, its HTTP server.

`build_site` makes the deterministic history of the site, `truth_records` the records a
crawl of it must produce; `pmkz replica` serves it (replica.server).
"""
from pmkz.replica.corpus import build_site
from pmkz.replica.truth import truth_records

__all__ = ["build_site", "truth_records"]
