"""Text for HTML views: escaping, and a small inline Markdown (`code`, **bold**, *emphasis*) on top of it.

>>> inline_markdown("run `ls` **now** <b>")
'run <code>ls</code> <b>now</b> &lt;b&gt;'
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")


def escape(text) -> str:
    """Text escaped for HTML, quotes included (labels end up in attributes too); None gives "".

    >>> escape('say "hi" & <go>')
    'say &quot;hi&quot; &amp; &lt;go&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def inline_markdown(text) -> str:
    """Text with `code`, **bold** and *emphasis* only, as escaped HTML (everything else is text).

    >>> inline_markdown("*why* it matters")
    '<i>why</i> it matters'
    """
    out = escape(text)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _EM.sub(r"<i>\1</i>", out)
