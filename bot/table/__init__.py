"""The resource table: its frozen model (``model``), the data/ files (``files``), building a table
from them (``load``, ``load_menu``, ``load_reach``, collecting ``problems``), changes entry by entry
(``changes``), verification that follows a number (``verification``) and a release's data/ with the
staff's entries (``release``).

Plain Python: documents in, a checked ``Table`` out, or a ``DataError`` naming every problem.
"""
