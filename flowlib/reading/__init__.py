"""Reading PlantUML text into the model: the source text, the parser, and the YAML data files beside it."""
