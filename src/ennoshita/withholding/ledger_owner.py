"""The 源泉所得税 (報酬・料金) 納付 the journal's 取消/訂正 refuse (registered with the ledger at import): the
withheld items are marked paid with it, so it is undone by the 納付's own 取消 on the 納付 list
(:func:`ennoshita.withholding.services.cancel_remittance`), which puts them back as unpaid."""

from ennoshita.ledger import fixed_owner, register_owner

register_owner("withholding", fixed_owner("withholding.owned.remittance"))
