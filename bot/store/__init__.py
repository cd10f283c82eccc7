"""The database, in one place: the extension (``Store``, ``get_store``), the live table kept as
versions and held in memory (``live_table``, ``tables``, ``snapshots``), the senders' state held in
memory (``live_senders``, ``sender_memory``, ``senders``), messages, staff, usage, the texts of the
numbers during calls (``textbacks``), and every
database call bounded in time (``breaker``, ``spool``, ``pending``)."""
from .extension import Store, get_store
from .live_table import StaleTable
from .sender_memory import Remembered
from .snapshots import Snapshot

__all__ = ["Remembered", "Snapshot", "Store", "StaleTable", "get_store"]
