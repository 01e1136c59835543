"""The only layer that touches a database: runs SQL through dbt adapters."""

# first, so that dialects.py and cloud_dialects.py (which declares its dialects with dialects.py's Dialect and
# is listed in its DIALECTS) load in that order, whichever of them is imported
from spyglass.warehouse import dialects as dialects
