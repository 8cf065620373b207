"""The pure core: knowledge, matching, replies, curation; no discord, no environment."""
