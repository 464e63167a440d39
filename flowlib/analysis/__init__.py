"""Analyses of the model: selecting steps, wording, arrows, lint, diff and what-if; plain data, no drawing."""
