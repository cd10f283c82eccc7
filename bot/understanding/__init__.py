"""Text in, topics and language out: normalization (``normalize``), keyword and phrase matching
with typos forgiven (``matching``), a classifier learned from the table's examples (``classifier``),
and the three read together with the safety rules (``understander``). Plain Python: it gets the
table's frozen model (``bot.table.model``) and plain data, never the files, the checks or the store."""
