"""One extension per feature area, loaded by FilmBot.setup_hook."""
