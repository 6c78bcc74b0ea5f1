"""The 経費精算 entries the journal's 取消/訂正 refuse (registered with the ledger at import): an approved claim's
posting, which its payment (支払実行) and the 未払金 per employee follow. A posted claim has no undo yet."""

from ennoshita.ledger import fixed_owner, register_owner

register_owner("expenses", fixed_owner("expenses.owned.claim"))
