"""The 固定資産 entries the journal's 取消/訂正 refuse (registered with the ledger at import): a 減価償却 run (the
register's 償却累計額 moved on with it) and a 除却・売却. Neither has an undo yet."""

from ennoshita.ledger import fixed_owner, register_owner

register_owner("depreciation", fixed_owner("assets.owned.depreciation"))
register_owner("fixed_asset", fixed_owner("assets.owned.disposal"))
