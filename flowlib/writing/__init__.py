"""Writing the model back out: PlantUML text and PlantUML-compatible JSON."""
