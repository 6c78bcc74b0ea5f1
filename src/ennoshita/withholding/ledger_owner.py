"""The 源泉所得税 (報酬・料金) 納付 the journal's 取消/訂正 refuse (registered with the ledger at import): the
withheld items are marked paid with it, and have no undo yet."""

from ennoshita.ledger import fixed_owner, register_owner

register_owner("withholding", fixed_owner("withholding.owned.remittance"))
