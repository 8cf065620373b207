"""The knowledge base: its records, reading YAML files with locations, the schema, problems."""
