"""Attached files (receipts, invoices received, customer POs) with their 電子帳簿保存法 search fields."""

from ennoshita.attachments.services import (
    AttachmentSummary,
    NewAttachment,
    add_attachment,
    get_content,
    list_for,
    may_read,
    register_reader,
)

__all__ = ["AttachmentSummary", "NewAttachment", "add_attachment", "get_content", "list_for", "may_read",
           "register_reader"]
