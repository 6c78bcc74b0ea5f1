"""The standard chart of accounts (勘定科目) for a Japanese small or mid-sized company.

Codes follow the common 4-digit layout (1xxx assets, 2xxx liabilities, 3xxx net assets, 4xxx revenue,
5xxx cost of sales, 6xxx SG&A, 7xxx non-operating, 8xxx extraordinary, 9xxx income taxes). Each account
has its statement section and a default tax category. Companies add, rename and deactivate accounts;
these are the ones a new company starts with.

Inside 固定資産 and 純資産 the 貸借対照表 shows groups (有形固定資産, 株主資本 ...): :func:`subsection` places an
account in one from its stored section and its code (15xx 有形, 16xx 無形, 17xx 投資その他, ...), so an account a
company adds is placed like the standard ones without a column of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

# statement section -> category
SECTION_CATEGORY: dict[str, str] = {
    "current_assets": "asset", "fixed_assets": "asset", "deferred_assets": "asset",
    "current_liabilities": "liability", "long_term_liabilities": "liability", "net_assets": "equity",
    "sales": "revenue", "cost_of_sales": "expense", "sga": "expense", "non_operating_income": "revenue",
    "non_operating_expenses": "expense", "extraordinary_income": "revenue", "extraordinary_losses": "expense",
    "income_taxes": "expense",
}
SECTION_ORDER: dict[str, int] = {name: i for i, name in enumerate(SECTION_CATEGORY)}


def account_name(lang: str, name: str, name_en: str | None) -> str:
    """The name an account is shown under, the one rule every screen, report and file of the reader follows:
    its English name for an English reader, else (Japanese, or an account a user added without one) its name.
    :meth:`ennoshita.ledger.models.Account.name_in` is the same rule as a column to select."""
    return name_en if lang == "en" and name_en else name

# The groups a 貸借対照表 shows inside a section (会社計算規則 第74条・第76条), in the order it shows them. A
# section without an entry here is shown whole (流動資産, 流動負債, ...).
SUBSECTIONS: dict[str, tuple[str, ...]] = {
    "fixed_assets": ("tangible_fixed_assets", "intangible_fixed_assets", "investments_and_other_assets"),
    "net_assets": (
        "capital_stock",  # 資本金
        "stock_subscriptions",  # 新株式申込証拠金
        "capital_surplus",  # 資本剰余金: 資本準備金, その他資本剰余金
        "legal_retained_earnings",  # 利益剰余金: 利益準備金
        "other_retained_earnings",  # 利益剰余金: その他利益剰余金 (任意積立金, 繰越利益剰余金)
        "treasury_shares",  # 自己株式 (a debit balance, shown as a deduction)
        "valuation_adjustments",  # 評価・換算差額等
        "share_acquisition_rights",  # 新株予約権
    ),
}

# Code prefix -> sub-section, longest prefix first. A company's own account lands by its code like the standard
# ones; a code outside every range takes the section's default (:data:`SUBSECTION_DEFAULT`).
_SUBSECTION_PREFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "fixed_assets": (("15", "tangible_fixed_assets"), ("16", "intangible_fixed_assets"),
                     ("17", "investments_and_other_assets")),
    "net_assets": (("311", "capital_stock"), ("314", "stock_subscriptions"), ("31", "capital_surplus"),
                   ("321", "legal_retained_earnings"), ("32", "other_retained_earnings"),
                   ("33", "treasury_shares"), ("34", "valuation_adjustments"), ("35", "share_acquisition_rights")),
}
SUBSECTION_DEFAULT: dict[str, str] = {
    "fixed_assets": "investments_and_other_assets",
    "net_assets": "other_retained_earnings",
}


def subsection(section: str, code: str) -> str:
    """The group of the 貸借対照表 an account of ``section`` with ``code`` is shown in: 有形固定資産 (15xx),
    無形固定資産 (16xx) or 投資その他の資産 (17xx, and any other fixed-asset code); inside 純資産 資本金 (311x),
    新株式申込証拠金 (314x), 資本剰余金 (other 31xx), 利益準備金 (321x), その他利益剰余金 (other 32xx, and any other
    code), 自己株式 (33xx), 評価・換算差額等 (34xx), 新株予約権 (35xx). Any other section is its own group."""
    for prefix, name in _SUBSECTION_PREFIXES.get(section, ()):
        if code.startswith(prefix):
            return name
    return SUBSECTION_DEFAULT.get(section, section)


@dataclass(frozen=True)
class ChartAccount:
    code: str
    name: str
    kana: str
    name_en: str
    section: str
    default_tax_category: str | None = None

    @property
    def category(self) -> str:
        return SECTION_CATEGORY[self.section]

    @property
    def subsection(self) -> str:
        return subsection(self.section, self.code)

    @property
    def normal_side(self) -> str:
        return "debit" if self.category in ("asset", "expense") else "credit"


_P10 = "purchase_10"
_S10 = "sales_10"
_OUT = "out_of_scope"

ACCOUNTS: tuple[ChartAccount, ...] = (
    ChartAccount("1110", "現金", "ゲンキン", "Cash", "current_assets"),
    ChartAccount("1120", "小口現金", "コグチゲンキン", "Petty cash", "current_assets"),
    ChartAccount("1130", "当座預金", "トウザヨキン", "Checking account", "current_assets"),
    ChartAccount("1140", "普通預金", "フツウヨキン", "Ordinary deposit", "current_assets"),
    ChartAccount("1150", "定期預金", "テイキヨキン", "Time deposit", "current_assets"),
    ChartAccount("1210", "受取手形", "ウケトリテガタ", "Notes receivable", "current_assets"),
    ChartAccount("1220", "売掛金", "ウリカケキン", "Accounts receivable", "current_assets"),
    ChartAccount("1230", "電子記録債権", "デンシキロクサイケン", "Electronically recorded receivables", "current_assets"),
    ChartAccount("1310", "商品", "ショウヒン", "Merchandise", "current_assets"),
    ChartAccount("1320", "製品", "セイヒン", "Finished goods", "current_assets"),
    ChartAccount("1330", "原材料", "ゲンザイリョウ", "Raw materials", "current_assets"),
    ChartAccount("1340", "仕掛品", "シカカリヒン", "Work in process", "current_assets"),
    ChartAccount("1350", "貯蔵品", "チョゾウヒン", "Supplies", "current_assets"),
    ChartAccount("1410", "前払金", "マエバライキン", "Advance payments", "current_assets"),
    ChartAccount("1420", "前払費用", "マエバライヒヨウ", "Prepaid expenses", "current_assets"),
    ChartAccount("1430", "未収入金", "ミシュウニュウキン", "Other receivables", "current_assets"),
    ChartAccount("1440", "立替金", "タテカエキン", "Advances paid for others", "current_assets"),
    ChartAccount("1450", "仮払金", "カリバライキン", "Suspense payments", "current_assets"),
    ChartAccount("1455", "仮払税金", "カリバライゼイキン", "Prepaid taxes (interim payments)", "current_assets"),
    ChartAccount("1460", "仮払消費税", "カリバライショウヒゼイ", "Input consumption tax", "current_assets"),
    ChartAccount("1470", "短期貸付金", "タンキカシツケキン", "Short-term loans receivable", "current_assets"),
    ChartAccount("1490", "貸倒引当金", "カシダオレヒキアテキン", "Allowance for doubtful accounts", "current_assets"),
    ChartAccount("1510", "建物", "タテモノ", "Buildings", "fixed_assets"),
    ChartAccount("1520", "建物附属設備", "タテモノフゾクセツビ", "Building fixtures", "fixed_assets"),
    ChartAccount("1530", "機械装置", "キカイソウチ", "Machinery", "fixed_assets"),
    ChartAccount("1540", "車両運搬具", "シャリョウウンパング", "Vehicles", "fixed_assets"),
    ChartAccount("1550", "工具器具備品", "コウグキグビヒン", "Tools, furniture and fixtures", "fixed_assets"),
    ChartAccount("1560", "土地", "トチ", "Land", "fixed_assets"),
    ChartAccount("1570", "減価償却累計額", "ゲンカショウキャクルイケイガク", "Accumulated depreciation", "fixed_assets"),
    ChartAccount("1610", "ソフトウェア", "ソフトウェア", "Software", "fixed_assets"),
    ChartAccount("1620", "電話加入権", "デンワカニュウケン", "Telephone rights", "fixed_assets"),
    ChartAccount("1710", "投資有価証券", "トウシユウカショウケン", "Investment securities", "fixed_assets"),
    ChartAccount("1720", "長期貸付金", "チョウキカシツケキン", "Long-term loans receivable", "fixed_assets"),
    ChartAccount("1730", "敷金", "シキキン", "Rental deposits", "fixed_assets"),
    ChartAccount("1740", "差入保証金", "サシイレホショウキン", "Guarantee deposits", "fixed_assets"),
    ChartAccount("1750", "長期前払費用", "チョウキマエバライヒヨウ", "Long-term prepaid expenses", "fixed_assets"),
    ChartAccount("1810", "創立費", "ソウリツヒ", "Organization costs", "deferred_assets"),
    ChartAccount("1820", "開業費", "カイギョウヒ", "Start-up costs", "deferred_assets"),
    ChartAccount("2110", "支払手形", "シハライテガタ", "Notes payable", "current_liabilities"),
    ChartAccount("2120", "買掛金", "カイカケキン", "Accounts payable", "current_liabilities"),
    ChartAccount("2130", "電子記録債務", "デンシキロクサイム", "Electronically recorded obligations", "current_liabilities"),
    ChartAccount("2140", "短期借入金", "タンキカリイレキン", "Short-term borrowings", "current_liabilities"),
    ChartAccount("2150", "未払金", "ミハライキン", "Accounts payable - other", "current_liabilities"),
    ChartAccount("2160", "未払費用", "ミハライヒヨウ", "Accrued expenses", "current_liabilities"),
    ChartAccount("2170", "未払法人税等", "ミハライホウジンゼイトウ", "Income taxes payable", "current_liabilities"),
    ChartAccount("2180", "未払消費税等", "ミハライショウヒゼイトウ", "Consumption tax payable", "current_liabilities"),
    ChartAccount("2190", "前受金", "マエウケキン", "Advances received", "current_liabilities"),
    ChartAccount("2200", "預り金", "アズカリキン", "Deposits received", "current_liabilities"),
    ChartAccount("2210", "仮受金", "カリウケキン", "Suspense receipts", "current_liabilities"),
    ChartAccount("2220", "仮受消費税", "カリウケショウヒゼイ", "Output consumption tax", "current_liabilities"),
    ChartAccount("2230", "賞与引当金", "ショウヨヒキアテキン", "Provision for bonuses", "current_liabilities"),
    ChartAccount("2510", "長期借入金", "チョウキカリイレキン", "Long-term borrowings", "long_term_liabilities"),
    ChartAccount("2520", "退職給付引当金", "タイショクキュウフヒキアテキン", "Retirement benefit provision",
                 "long_term_liabilities"),
    ChartAccount("2530", "役員借入金", "ヤクインカリイレキン", "Borrowings from directors", "long_term_liabilities"),
    ChartAccount("3110", "資本金", "シホンキン", "Share capital", "net_assets"),
    ChartAccount("3120", "資本準備金", "シホンジュンビキン", "Capital reserve", "net_assets"),
    ChartAccount("3130", "その他資本剰余金", "ソノタシホンジョウヨキン", "Other capital surplus", "net_assets"),
    ChartAccount("3140", "新株式申込証拠金", "シンカブシキモウシコミショウコキン", "Deposits for subscriptions of shares",
                 "net_assets"),
    ChartAccount("3210", "利益準備金", "リエキジュンビキン", "Legal retained earnings", "net_assets"),
    ChartAccount("3220", "繰越利益剰余金", "クリコシリエキジョウヨキン", "Retained earnings brought forward", "net_assets"),
    ChartAccount("3230", "別途積立金", "ベットツミタテキン", "General reserve", "net_assets"),
    ChartAccount("3310", "自己株式", "ジコカブシキ", "Treasury shares", "net_assets"),
    ChartAccount("3410", "その他有価証券評価差額金", "ソノタユウカショウケンヒョウカサガクキン",
                 "Valuation difference on available-for-sale securities", "net_assets"),
    ChartAccount("3510", "新株予約権", "シンカブヨヤクケン", "Share acquisition rights", "net_assets"),
    ChartAccount("4110", "売上高", "ウリアゲダカ", "Sales", "sales", _S10),
    ChartAccount("4120", "売上値引高", "ウリアゲネビキダカ", "Sales discounts", "sales", _S10),
    ChartAccount("5110", "期首商品棚卸高", "キシュショウヒンタナオロシダカ", "Opening inventory", "cost_of_sales", _OUT),
    ChartAccount("5120", "仕入高", "シイレダカ", "Purchases", "cost_of_sales", _P10),
    ChartAccount("5130", "外注費", "ガイチュウヒ", "Outsourcing costs", "cost_of_sales", _P10),
    ChartAccount("5190", "期末商品棚卸高", "キマツショウヒンタナオロシダカ", "Closing inventory", "cost_of_sales", _OUT),
    ChartAccount("6110", "役員報酬", "ヤクインホウシュウ", "Directors' compensation", "sga", _OUT),
    ChartAccount("6120", "給料手当", "キュウリョウテアテ", "Salaries and allowances", "sga", _OUT),
    ChartAccount("6130", "賞与", "ショウヨ", "Bonuses", "sga", _OUT),
    ChartAccount("6140", "法定福利費", "ホウテイフクリヒ", "Statutory welfare expenses", "sga", _OUT),
    ChartAccount("6150", "福利厚生費", "フクリコウセイヒ", "Welfare expenses", "sga", _P10),
    ChartAccount("6160", "採用教育費", "サイヨウキョウイクヒ", "Recruiting and training", "sga", _P10),
    ChartAccount("6210", "荷造運賃", "ニヅクリウンチン", "Packing and freight", "sga", _P10),
    ChartAccount("6220", "広告宣伝費", "コウコクセンデンヒ", "Advertising", "sga", _P10),
    ChartAccount("6230", "交際費", "コウサイヒ", "Entertainment", "sga", _P10),
    ChartAccount("6240", "会議費", "カイギヒ", "Meeting expenses", "sga", _P10),
    ChartAccount("6250", "旅費交通費", "リョヒコウツウヒ", "Travel and transportation", "sga", _P10),
    ChartAccount("6260", "通信費", "ツウシンヒ", "Communication", "sga", _P10),
    ChartAccount("6270", "消耗品費", "ショウモウヒンヒ", "Supplies expense", "sga", _P10),
    ChartAccount("6280", "事務用品費", "ジムヨウヒンヒ", "Office supplies", "sga", _P10),
    ChartAccount("6290", "修繕費", "シュウゼンヒ", "Repairs", "sga", _P10),
    ChartAccount("6310", "水道光熱費", "スイドウコウネツヒ", "Utilities", "sga", _P10),
    ChartAccount("6320", "新聞図書費", "シンブントショヒ", "Books and subscriptions", "sga", _P10),
    ChartAccount("6330", "諸会費", "ショカイヒ", "Membership fees", "sga", _OUT),
    ChartAccount("6340", "支払手数料", "シハライテスウリョウ", "Fees and commissions", "sga", _P10),
    ChartAccount("6350", "地代家賃", "チダイヤチン", "Rent", "sga", _P10),
    ChartAccount("6360", "賃借料", "チンシャクリョウ", "Equipment rental", "sga", _P10),
    ChartAccount("6370", "リース料", "リースリョウ", "Lease payments", "sga", _P10),
    ChartAccount("6380", "保険料", "ホケンリョウ", "Insurance", "sga", "purchase_exempt"),
    ChartAccount("6390", "租税公課", "ソゼイコウカ", "Taxes and dues", "sga", _OUT),
    ChartAccount("6410", "減価償却費", "ゲンカショウキャクヒ", "Depreciation", "sga", _OUT),
    ChartAccount("6420", "貸倒引当金繰入額", "カシダオレヒキアテキンクリイレガク", "Provision for doubtful accounts",
                 "sga", _OUT),
    ChartAccount("6430", "外注委託費", "ガイチュウイタクヒ", "Contracted services", "sga", _P10),
    ChartAccount("6440", "研究開発費", "ケンキュウカイハツヒ", "Research and development", "sga", _P10),
    ChartAccount("6490", "雑費", "ザッピ", "Miscellaneous expenses", "sga", _P10),
    ChartAccount("7110", "受取利息", "ウケトリリソク", "Interest income", "non_operating_income", "sales_exempt"),
    ChartAccount("7120", "受取配当金", "ウケトリハイトウキン", "Dividends received", "non_operating_income", _OUT),
    ChartAccount("7130", "雑収入", "ザツシュウニュウ", "Miscellaneous income", "non_operating_income", _S10),
    ChartAccount("7210", "支払利息", "シハライリソク", "Interest expense", "non_operating_expenses", "purchase_exempt"),
    ChartAccount("7220", "雑損失", "ザツソンシツ", "Miscellaneous losses", "non_operating_expenses", _OUT),
    ChartAccount("8110", "固定資産売却益", "コテイシサンバイキャクエキ", "Gain on sale of fixed assets",
                 "extraordinary_income", _S10),
    ChartAccount("8210", "固定資産売却損", "コテイシサンバイキャクソン", "Loss on sale of fixed assets",
                 "extraordinary_losses", _S10),
    ChartAccount("8220", "固定資産除却損", "コテイシサンジョキャクソン", "Loss on retirement of fixed assets",
                 "extraordinary_losses", _OUT),
    ChartAccount("9110", "法人税、住民税及び事業税", "ホウジンゼイジュウミンゼイオヨビジギョウゼイ",
                 "Corporate, inhabitant and enterprise taxes", "income_taxes", _OUT),
)

CODE_CASH = "1110"
CODE_CHECKING = "1130"
CODE_ORDINARY_DEPOSIT = "1140"
CODE_RECEIVABLE = "1220"
CODE_OTHER_RECEIVABLE = "1430"
CODE_PREPAID_TAX = "1455"  # 仮払税金: 消費税の中間納付 (ledger.ctax_interim)
CODE_INPUT_TAX = "1460"
CODE_PAYABLE = "2120"
CODE_ACCRUED = "2150"
CODE_WITHHOLDING = "2200"
CODE_OUTPUT_TAX = "2220"
CODE_CAPITAL = "3110"
CODE_RETAINED_EARNINGS = "3220"
CODE_SALES = "4110"
CODE_PURCHASES = "5120"
CODE_SALARIES = "6120"
CODE_MEETING = "6240"
CODE_TRAVEL = "6250"
CODE_COMMUNICATION = "6260"
CODE_SUPPLIES = "6270"
CODE_TRANSFER_FEE = "6340"
CODE_RENT = "6350"
CODE_ENTERTAINMENT = "6230"
CODE_MISC_INCOME = "7130"

BY_CODE: dict[str, ChartAccount] = {a.code: a for a in ACCOUNTS}


def standard_names(lang: str) -> dict[str, str]:
    """code → the standard chart's name of each account in ``lang`` (for a screen that names the accounts a rule
    of its own posts to, without reading the company's chart)."""
    return {a.code: account_name(lang, a.name, a.name_en) for a in ACCOUNTS}
