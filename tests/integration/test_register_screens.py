"""The 総務 and 法務 register screens read their forms with the shared helpers of ``web/forms.py`` (issue #13
item 12): a malformed date or number is named on its field, in Japanese, and nothing is saved; a good form
saves, written as people write yen (¥1,200,000)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ennoshita.assets.models import FixedAsset
from ennoshita.contracts.models import Contract
from ennoshita.db import Database
from tests.conftest import login

DATE = "日付を YYYY-MM-DD で入力してください。"  # assets_ui.error.date
NUMBER = "数値で入力してください。"  # assets_ui.error.number


def _count(db: Database, model: type, **where: str) -> int:
    with db.uow() as uow:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(uow.session.scalar(query) or 0)


def test_the_contract_form_names_a_bad_date_and_amount_and_saves_a_good_one(client: TestClient,
                                                                            demo_db: Database) -> None:
    token = login(client, "houmu@demo.ennoshita.jp")
    form = {"csrf_token": token, "title": "保守契約（テスト）", "contract_type": "outsourcing",
            "counterparty": "株式会社テスト"}
    bad = client.post("/contracts/new", data={**form, "start_on": "2026-13-01", "amount": "12万"})
    assert bad.status_code == 422
    assert DATE in bad.text and NUMBER in bad.text
    assert _count(demo_db, Contract, title="保守契約（テスト）") == 0
    good = client.post("/contracts/new", data={**form, "start_on": "2026-04-01", "amount": "¥1,200,000"},
                       follow_redirects=False)
    assert good.status_code == 303
    with demo_db.uow() as uow:
        saved = uow.session.scalars(select(Contract).filter_by(title="保守契約（テスト）")).one()
        assert saved.amount == 1_200_000
    searched = client.get("/contracts", params={"start_from": "2026-02-30"})
    assert searched.status_code == 200 and DATE in searched.text


def test_the_asset_form_names_a_bad_cost(client: TestClient, demo_db: Database) -> None:
    token = login(client, "soumu@demo.ennoshita.jp")
    before = _count(demo_db, FixedAsset)
    bad = client.post("/assets/new", data={"csrf_token": token, "name": "ノートPC", "kind_code": "pc",
                                           "acquired_on": "2026-04-01", "cost": "abc"})
    assert bad.status_code == 422 and NUMBER in bad.text
    assert _count(demo_db, FixedAsset) == before
