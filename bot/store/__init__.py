"""The database, in one place: the extension (``Store``, ``get_store``), the live table kept as
versions and held in memory (``live_table``, ``tables``, ``snapshots``), senders, messages, staff,
usage, and every webhook's database call bounded in time (``breaker``, ``spool``, ``pending``)."""
from .extension import Store, get_store
from .live_table import StaleTable
from .snapshots import Snapshot

__all__ = ["Snapshot", "Store", "StaleTable", "get_store"]
