"""Text in, topics and language out: normalization (``normalize``) and keyword and phrase
matching with typos forgiven (``matching``). Plain Python: it reads the table's frozen model
(``bot.table.model``), never the files, the checks or the store."""
