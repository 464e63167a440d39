"""Widgets: the step player and the what-if explorer, built from the views with ipywidgets."""
