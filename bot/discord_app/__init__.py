"""The Discord adapter: turns the core's Replies into embeds and views, nothing more."""
