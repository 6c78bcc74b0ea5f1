"""社印 (角印) on SQLite and PostgreSQL: the settings service stores a PNG/JPEG seal as the company's
``company_seal`` attachment, and the invoice PDF prints it from then on; what is not a square PNG or JPEG of
at most 2 MB is refused naming the field. The company settings screen and the API upload it too.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select

from ennoshita.actor import Actor
from ennoshita.attachments.models import Attachment
from ennoshita.db import Database
from ennoshita.demo import seal_png
from ennoshita.errors import Forbidden, Invalid
from ennoshita.identity import company as company_service
from ennoshita.sales import pdf
from ennoshita.sales.models import Invoice
from tests.conftest import ADMIN, REQUESTER, login
from tests.integration.test_api import auth, token_for
from tests.integration.test_sales_chain import bill_two_deliveries
from tests.integration.test_sales_flow import CLERK, company  # noqa: F401 (fixture)


def _images(obj: Any) -> int:
    """Image XObjects reachable from a page's resources (WeasyPrint may wrap them in form XObjects)."""
    resources = obj.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    found = 0
    for ref in (xobjects.get_object().values() if xobjects is not None else ()):
        x = ref.get_object()
        if x.get("/Subtype") == "/Image":
            found += 1
        elif x.get("/Subtype") == "/Form":
            found += _images(x)
    return found


def _pdf_images(content: bytes) -> int:
    return sum(_images(page) for page in PdfReader(io.BytesIO(content)).pages)


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "#c0392b").save(out, "PNG")
    return out.getvalue()


def test_an_uploaded_seal_is_printed_on_the_invoice(company: Database) -> None:  # noqa: F811 (fixture)
    db = company
    _customer, invoice = bill_two_deliveries(db)
    before, _ = pdf.invoice_pdf(db.uow(), CLERK, invoice.id)
    assert _pdf_images(before) == 0  # no seal yet: the invoice is printed without one
    assert company_service.current_seal(db.uow()) is None

    with pytest.raises(Forbidden):  # 営業事務 may not change the company settings
        company_service.upload_seal(db.uow(), CLERK, "seal.png", "image/png", seal_png())
    seal = company_service.upload_seal(db.uow(), Actor.system(), "社印.png", "image/png", seal_png())
    assert seal.content_type == "image/png" and seal.filename == "社印.png"
    current = company_service.current_seal(db.uow())
    assert current is not None and current[0] == seal and current[1] == seal_png()

    after, _ = pdf.invoice_pdf(db.uow(), CLERK, invoice.id)
    assert _pdf_images(after) >= 1
    with db.uow() as uow:  # the issued invoice itself did not change: only its rendering shows the seal
        row = uow.session.get(Invoice, invoice.id)
        assert row is not None and row.gross == 45_841


@pytest.mark.parametrize(("name", "ctype", "content", "key"), [
    ("seal.pdf", "application/pdf", b"%PDF-1.4 not an image", "company.error.seal_type"),
    ("seal.txt", "text/plain", "社印".encode(), "company.error.seal_type"),
    ("seal.png", "image/png", b"GIF89a pretending", "attachment.error.content"),
    ("seal.png", "image/png", b"\x89PNG\r\n\x1a\n broken", "attachment.error.content"),
    ("wide.png", "image/png", _png(400, 100), "company.error.seal_shape"),
    ("big.png", "image/png", b"\x89PNG" + b"\0" * (2 * 1024 * 1024), "attachment.error.size"),
])
def test_what_is_not_a_square_image_is_refused_naming_the_field(
        company: Database, name: str, ctype: str, content: bytes, key: str) -> None:  # noqa: F811 (fixture)
    with pytest.raises(Invalid) as refused:
        company_service.upload_seal(company.uow(), Actor.system(), name, ctype, content)
    assert [(p.key, p.field) for p in refused.value.problems][:1] == [(key, "seal")]
    with company.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert company_service.current_seal(company.uow()) is None


def test_the_settings_screen_and_the_api_upload_the_seal(client: TestClient, demo_db: Database) -> None:
    token = login(client, ADMIN)
    page = client.get("/admin/company")
    assert page.status_code == 200
    assert 'data-testid="seal-image"' in page.text and 'enctype="multipart/form-data"' in page.text
    shown = client.get("/admin/company/seal")  # the demo company's 角印
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert shown.content == seal_png()

    # a text file: refused at the field with 422, nothing stored
    bad = client.post("/admin/company/seal", data={"csrf_token": token},
                      files={"seal": ("memo.txt", "社印".encode(), "text/plain")})
    assert bad.status_code == 422
    assert 'data-error-for="seal"' in bad.text and "PNG または JPEG" in bad.text
    assert client.get("/admin/company/seal").content == seal_png()
    # no CSRF token: refused
    assert client.post("/admin/company/seal", files={"seal": ("s.png", _png(120, 120), "image/png")}
                       ).status_code in (400, 403)

    new = _png(120, 110)
    done = client.post("/admin/company/seal", data={"csrf_token": token},
                       files={"seal": ("new-seal.png", new, "image/png")}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/admin/company?saved=seal")
    assert client.get("/admin/company/seal").content == new
    assert "new-seal.png" in client.get("/admin/company").text

    # the API: PUT multipart; a non-image names the field
    admin = auth(token_for(demo_db, ADMIN))
    refused = client.put("/api/v1/company/seal", headers=admin,
                         files={"seal": ("seal.pdf", b"%PDF-1.4", "application/pdf")})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["seal"]
    assert client.put("/api/v1/company/seal", headers=admin).status_code == 422  # no file at all
    ok = client.put("/api/v1/company/seal", headers=admin,
                    files={"seal": ("社印.png", seal_png(), "image/png")})
    assert ok.status_code == 200, ok.text
    assert ok.json()["content_type"] == "image/png" and ok.json()["size"] == len(seal_png())
    forbidden = client.put("/api/v1/company/seal", headers=auth(token_for(demo_db, REQUESTER)),
                           files={"seal": ("社印.png", seal_png(), "image/png")})
    assert forbidden.status_code == 403
