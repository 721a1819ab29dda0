"""Domain model, protocols, errors and the pipeline: the parts every other package builds on."""
