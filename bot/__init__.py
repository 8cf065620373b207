"""faqbot: answers a Discord community's questions from a curated YAML knowledge base."""
