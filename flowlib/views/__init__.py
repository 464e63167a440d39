"""Views of the model: tables, sequence SVG, communication graph, Mermaid, text, and the views of analyses."""
