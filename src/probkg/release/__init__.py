"""Layer 3: release artefacts: the built dataset (TriG and VoID) and its upload to a triple store."""
