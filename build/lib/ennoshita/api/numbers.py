"""The API's number fields, declared once (issue 13 item 4).

- :data:`Yen`: a yen amount. A JSON integer (``105``) or a string of one (``"105"``, ``"1,050"``); a JSON
  number with a fraction (``105.5``) or any other text is refused with ``error.yen_integer``.
- :data:`Quantity` / :data:`Price`: a quantity or a unit price, which may have decimals (数量 up to 3 places,
  単価 up to 2). A JSON integer (``1``) or a decimal string (``"1.5"``); a JSON number with a fraction is
  refused with ``error.decimal_as_string`` (binary floating point cannot hold 0.1 exactly), so that no quantity
  or price goes through a float. Both pass on to the services as the decimal string they validate.

Each type documents itself in the OpenAPI schema (``anyOf`` integer / string, with the rule as description).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

YEN_ERROR = "ennoshita_yen_integer"
DECIMAL_ERROR = "ennoshita_decimal_as_string"
# pydantic error type -> catalog key of the message the API answers with
MESSAGE_KEYS = {YEN_ERROR: "error.yen_integer", DECIMAL_ERROR: "error.decimal_as_string"}

_INTEGER_TEXT = re.compile(r"-?\d{1,3}(,\d{3})+|-?\d+")


def _yen(value: Any) -> int:
    if isinstance(value, bool):
        raise PydanticCustomError(YEN_ERROR, "a yen amount is a whole number of yen")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON 105.0 is the integer 105
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value.strip().replace(",", ""))
    raise PydanticCustomError(YEN_ERROR, "a yen amount is a whole number of yen")


def _decimal_text(value: Any) -> str:
    if isinstance(value, bool):
        raise PydanticCustomError(DECIMAL_ERROR, "a JSON integer or a decimal string")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise PydanticCustomError(DECIMAL_ERROR, "a JSON integer or a decimal string")
    if isinstance(value, str):
        return value
    raise PydanticCustomError(DECIMAL_ERROR, "a JSON integer or a decimal string")


YEN_DOC = "Yen: a JSON integer (105) or its string (\"105\"); a fraction (105.5) is refused."
QUANTITY_DOC = ("Quantity: a JSON integer (3) or a decimal string (\"1.5\", up to 3 places); a JSON number with a "
                "fraction (1.5) is refused: send it as a string.")
PRICE_DOC = ("Unit price in yen: a JSON integer (105) or a decimal string (\"10.5\", up to 2 places); a JSON number "
             "with a fraction is refused: send it as a string.")

Yen = Annotated[int, BeforeValidator(_yen),
                WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?[\d,]+$"}],
                                "description": YEN_DOC})]
Quantity = Annotated[str, BeforeValidator(_decimal_text),
                     WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}], "description": QUANTITY_DOC})]
Price = Annotated[str, BeforeValidator(_decimal_text),
                  WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}], "description": PRICE_DOC})]
