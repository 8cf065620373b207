"""Curation: the questions the bot answers badly (gaps), and measuring it on labelled questions."""
