"""人事 use cases, in one place for the adapters (web, API, CLI). Each function owns its transaction, checks
the actor's capability and writes the audit trail; see the modules for the rules of each group."""

from __future__ import annotations

from ennoshita.hr.attendance import CSV_COLUMNS, ClockResult, DayInput, ImportResult, clock, import_csv, record_day
from ennoshita.hr.contract import contract_html, contract_pdf
from ennoshita.hr.employees import EmployeeInput, EmployeeView, TransferInput, get_employee, transfer, update_personal
from ennoshita.hr.leave import LeaveInput, LeaveRow, LeaveStatus, cancel_leave, leave_status, request_leave, run_grants
from ennoshita.hr.limits import AgreementInput, AgreementView, Dashboard, agreements, dashboard, save_agreement
from ennoshita.hr.onboarding import (
                                     EVENT_OPENED,
                                     ChecklistView,
                                     add_item_in,
                                     checklists,
                                     hire,
                                     insurance_data,
                                     leave,
                                     open_checklists,
                                     set_item,
)
from ennoshita.hr.opening import OpeningInput, set_opening
from ennoshita.hr.timesheets import (
                                     CloseResult,
                                     RequestInput,
                                     SheetView,
                                     close_month,
                                     month_list,
                                     submit_request,
                                     timesheet,
)

__all__ = [
    "CSV_COLUMNS", "EVENT_OPENED", "AgreementInput", "AgreementView", "ChecklistView", "ClockResult",
    "CloseResult", "Dashboard", "DayInput", "EmployeeInput", "EmployeeView", "ImportResult", "LeaveInput",
    "LeaveRow", "LeaveStatus", "OpeningInput", "RequestInput", "SheetView", "TransferInput", "add_item_in",
    "agreements",
    "cancel_leave", "checklists", "clock", "close_month", "contract_html", "contract_pdf", "dashboard",
    "get_employee", "hire", "import_csv", "insurance_data", "leave", "leave_status", "month_list",
    "open_checklists", "record_day", "request_leave", "run_grants", "save_agreement", "set_item", "set_opening",
    "submit_request", "timesheet", "transfer", "update_personal",
]
