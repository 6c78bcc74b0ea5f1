"""依頼 (request desk) screens: 依頼する and the lists (``requests``), 依頼の詳細 (``detail``), ありがとう, 通知 and the
貢献ダッシュボード (``activity``)."""
