"""swk: the command line of the Sociaal Werkkoepel site (build, check)."""
