"""The resource table: its frozen model (``model``), the data/ files (``files``), their checks
(``checker``, ``validation``, ``menu_validation``) and changes entry by entry (``changes``).

Plain Python: documents in, a checked ``Table`` out, or a ``DataError`` naming every problem.
"""
