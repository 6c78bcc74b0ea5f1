"""Moved to :mod:`ennoshita.partners.terms` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.partners.terms import END_OF_MONTH as END_OF_MONTH
from ennoshita.partners.terms import MAX_MONTHS_AFTER as MAX_MONTHS_AFTER
from ennoshita.partners.terms import PER_DELIVERY as PER_DELIVERY
from ennoshita.partners.terms import STANDARD_CLOSING_DAYS as STANDARD_CLOSING_DAYS
from ennoshita.partners.terms import PaymentTerms as PaymentTerms
from ennoshita.partners.terms import closing_date_for as closing_date_for
from ennoshita.partners.terms import day_in_month as day_in_month
from ennoshita.partners.terms import payment_due as payment_due
