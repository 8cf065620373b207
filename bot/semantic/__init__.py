"""The semantic layer's runtime: the model (download, conversion), the encoder, the vectors."""
