"""The hash-chained audit trail: what other domains may use."""

from ennoshita.audit.queries import AuditFilter, AuditRow, export_csv, export_rows, search
from ennoshita.audit.services import VerifyResult, record, verify

__all__ = ["AuditFilter", "AuditRow", "VerifyResult", "export_csv", "export_rows", "record", "search", "verify"]
