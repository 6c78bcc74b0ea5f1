"""Moved to :mod:`ennoshita.partners.services` (issue #13 item 12); the names stay importable from here."""

from __future__ import annotations

from ennoshita.kernel.lines import parse_decimal as parse_decimal
from ennoshita.partners.services import ACCOUNT_TYPES as ACCOUNT_TYPES
from ennoshita.partners.services import CLOSING_DAYS as CLOSING_DAYS
from ennoshita.partners.services import CODE_PREFIXES as CODE_PREFIXES
from ennoshita.partners.services import FEE_BEARERS as FEE_BEARERS
from ennoshita.partners.services import ContactData as ContactData
from ennoshita.partners.services import ItemInput as ItemInput
from ennoshita.partners.services import ItemSummary as ItemSummary
from ennoshita.partners.services import PartnerInput as PartnerInput
from ennoshita.partners.services import PartnerPage as PartnerPage
from ennoshita.partners.services import PartnerSummary as PartnerSummary
from ennoshita.partners.services import create_item as create_item
from ennoshita.partners.services import create_partner as create_partner
from ennoshita.partners.services import export_partners as export_partners
from ennoshita.partners.services import find_partner_id as find_partner_id
from ennoshita.partners.services import get_partner as get_partner
from ennoshita.partners.services import list_items as list_items
from ennoshita.partners.services import next_partner_code as next_partner_code
from ennoshita.partners.services import partner_limits as partner_limits
from ennoshita.partners.services import partner_problems as partner_problems
from ennoshita.partners.services import partner_query as partner_query
from ennoshita.partners.services import partner_summary as partner_summary
from ennoshita.partners.services import search_partners as search_partners
from ennoshita.partners.services import set_partner_active as set_partner_active
from ennoshita.partners.services import supplier_terms_problems as supplier_terms_problems
from ennoshita.partners.services import update_item as update_item
from ennoshita.partners.services import update_partner as update_partner
