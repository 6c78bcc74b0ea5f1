"""経理 screens: what they share and the 経理 menu (``common``), 仕訳 (``entries``), reports (``reports``), settings
and period work (``admin``), 証憑 (``evidence``), import and export (``io``)."""
