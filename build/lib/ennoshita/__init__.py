"""ennoshita: the back office of a Japanese company."""
