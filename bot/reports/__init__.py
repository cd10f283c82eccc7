"""The usage report: counts per day and their totals with the "<5" rule, CSV rows (``report``)
and SVG chart geometry (``charts``). Plain Python on rows the store reads."""
