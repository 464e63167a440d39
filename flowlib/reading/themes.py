"""The themes bundled with PlantUML 1.2026.8 (``!theme NAME``): any other name is refused, as PlantUML does.

A theme only styles a diagram; flowlib checks the name and keeps every element.
"""

THEMES = frozenset("""
_none_ amiga aws-orange black-knight bluegray blueprint carbon-gray cerulean cerulean-outline cloudscape-design
crt-amber crt-green cyborg cyborg-outline hacker lightgray mars materia materia-outline metal mimeograph minty mono
plain reddress-darkblue reddress-darkgreen reddress-darkorange reddress-darkred reddress-lightblue reddress-lightgreen
reddress-lightorange reddress-lightred sandstone silver sketchy sketchy-outline spacelab spacelab-white sunlust
superhero superhero-outline toy united vibrant
""".split())
