"""A package's corpus at a glance: ``mscdata summary [PACKAGE] [--html FILE]``.

:func:`summarize` counts a package's articles per year and what their MSC facts say
(:mod:`mscdata.summary.corpus`); :func:`summary_text` prints it, :func:`write_page`
writes it as one self-contained HTML page of charts (:mod:`mscdata.summary.page`).
"""

from __future__ import annotations

from mscdata.summary.corpus import CorpusSummary, Trial, summarize
from mscdata.summary.page import summary_page, write_page
from mscdata.summary.text import summary_text

__all__ = ["CorpusSummary", "Trial", "summarize", "summary_page", "summary_text", "write_page"]
