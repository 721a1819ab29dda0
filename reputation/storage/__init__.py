"""MongoDB storage. The only package that imports the driver (motor / pymongo).

Nothing here deletes: reviews, revisions, cases, drafts, alerts, events and quarantine
records are only inserted or updated. Hiding is a status; history is append-only.
"""

from reputation.storage.mongo import Store, redact_uri
from reputation.storage.reviews import IngestResult

__all__ = ["IngestResult", "Store", "redact_uri"]
