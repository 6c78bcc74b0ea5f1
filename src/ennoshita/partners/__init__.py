"""取引先 and 品目: one register for customers and suppliers, used by sales and purchasing alike (``models``,
``services``), payment terms (``terms``) and the カナ of bank names (``kana``)."""
