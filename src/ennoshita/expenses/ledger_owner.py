"""The 経費精算 entries the journal's 取消/訂正 refuse (registered with the ledger at import): an approved claim's
posting, which its payment (支払実行) and the 未払金 per employee follow. It is undone on the claim's screen by
経理's 取消 (:func:`ennoshita.expenses.cancellation.cancel_claim`: the entries reversed, the claim kept as
取消済), refused while the claim is in a payment run or once it is paid; the message says so."""

from ennoshita.ledger import fixed_owner, register_owner

register_owner("expenses", fixed_owner("expenses.owned.claim"))
