"""pmkz: archive and monitor the press pages of primeminister.kz."""
