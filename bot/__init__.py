"""filmbot: film reviews and recommendations for Discord and the terminal."""
