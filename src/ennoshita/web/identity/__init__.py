"""管理 screens of the identity domain: login (``auth``), the user's own page (``me``), company settings, users and
roles (``admin``)."""
