"""Widgets: the step player and the what-if explorer, anywidgets built from the views (one ES module each)."""
