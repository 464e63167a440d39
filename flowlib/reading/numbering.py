"""Autonumber: PlantUML's message numbers (dotted levels, a step, Java DecimalFormat formats)."""

from __future__ import annotations

import re
from collections.abc import Callable

from flowlib.reading.lineerror import LineError


def decimal_format(pattern: str) -> Callable[[int], str]:
    """A formatter for the subset of Java's DecimalFormat that autonumber formats use.

    Like ``DecimalFormat.applyPattern``: a prefix, the number part (``0 # , .``), a suffix; quoted
    ``'text'`` is literal, a special character met in the suffix goes back to the number part
    (``"[0]."`` formats 1 as ``[1.]``), ``%`` multiplies by 100, ``;`` starts the negative pattern
    (ignored: numbers here are positive).

    >>> [decimal_format(f)(7) for f in ("<b>0</b>", "00.", "0.0", "#,##0", "[0].", "'#'0")]
    ['<b>7</b>', '07.', '7.0', '7', '[7.]', '#7']
    >>> decimal_format("#,##0.00")(1234)
    '1,234.00'
    """
    prefix, suffix = [], []
    affix = prefix
    phase = 0                       # 0 prefix, 1 number, 2 suffix
    integer_zeros = 0               # '0' before the decimal point: minimum integer digits
    fraction_zeros = 0              # '0' after it: minimum fraction digits
    fraction_digits = 0             # '0' or '#' after it
    grouping = None                 # digits after the last ',' of the integer part
    decimal = False
    multiplier = 1
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if phase == 1:
            if c in "0#":
                if decimal:
                    fraction_zeros += c == "0"
                    fraction_digits += 1
                else:
                    integer_zeros += c == "0"
                    if grouping is not None:
                        grouping += 1
            elif c == ",":
                grouping = 0
            elif c == ".":
                decimal = True
            else:
                phase, affix = 2, suffix
                continue            # read this character again as part of the suffix
        elif c == "'":
            j = pattern.find("'", i + 1)
            j = len(pattern) if j == -1 else j
            affix.append(pattern[i + 1:j] or "'")
            i = j
        elif c in "0#,.":
            phase = 1
            continue
        elif c == ";":
            break
        else:
            if c == "%":
                multiplier = 100
            elif c == "\u2030":
                multiplier = 1000
            affix.append(c)
        i += 1
    head, tail = "".join(prefix), "".join(suffix)
    if phase == 0:
        return lambda n: head  # no digit placeholder: Java prints the affixes only

    # Java shows the decimal point of a whole number only when no digit follows it ("0.").
    always_point = decimal and fraction_digits == 0

    def fmt(n: int) -> str:
        digits = f"{n * multiplier:0{integer_zeros}d}"
        if grouping:
            first = len(digits) % grouping or grouping
            digits = ",".join([digits[:first]] + [digits[k:k + grouping] for k in range(first, len(digits), grouping)])
        if fraction_zeros:
            digits += "." + "0" * fraction_zeros
        elif always_point:
            digits += "."
        return f"{head}{digits}{tail}"

    return fmt


class Numbering:
    """PlantUML's autonumber state: dotted levels (``1.2.3``: the last one counts), a step and a format."""

    __slots__ = ("on", "parts", "seps", "step", "fmt")

    def __init__(self):
        self.on = False
        self.parts = [1]          # the levels; the last is the counter
        self.seps: list[str] = []  # what stands between levels ("." in 1.2.3)
        self.step = 1
        self.fmt = _DEFAULT_FORMAT

    def start(self, start: str | None, step: str | None, fmt: str | None):
        self.on = True
        if start:
            self.parts = [int(x) for x in re.findall(r"\d+", start)]
            self.seps = re.findall(r"[^\d]+", start)
        else:
            self.parts, self.seps = [1], []
        self.step = int(step) if step else 1
        self.fmt = decimal_format(fmt) if fmt is not None else _DEFAULT_FORMAT

    def increment(self, letter: str):
        """``autonumber inc A``: count up level A (B, C...) and restart the levels below it."""
        level = ord(letter.lower()) - ord("a")
        if level >= len(self.parts):
            # PlantUML fails here (IndexOutOfBoundsException): say why instead.
            raise LineError(f"cannot increment level {letter.upper()}: the numbering has "
                             f"{len(self.parts)} level{'s' if len(self.parts) > 1 else ''} "
                             f"(start it with 'autonumber {'.'.join(['1'] * (level + 1))}')", token=letter)
        self.parts[level] += 1
        for k in range(level + 1, len(self.parts)):
            self.parts[k] = 1

    def next(self) -> str | None:
        if not self.on:
            return None
        value = self.parts[-1]
        self.parts[-1] += self.step
        if not self.seps:
            return self.fmt(value)
        # PlantUML writes dotted numbers (1.2.3) in bold and ignores the format.
        return "<b>" + "".join(f"{p}{sep}" for p, sep in zip(self.parts[:-1], self.seps)) + f"{value}</b>"


_DEFAULT_FORMAT = decimal_format("<b>0</b>")
