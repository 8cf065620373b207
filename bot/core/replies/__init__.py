"""Every platform-neutral Reply the bot gives, and the plain text the terminal shows of it."""
