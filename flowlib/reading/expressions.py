"""The preprocessor's expressions: ``$x + 1``, ``$a == "b" && %strlen($s) > 2``, and the built-in functions.

A value is an ``int`` or a ``str`` (PlantUML's TValue), or a list or dict read from a JSON literal
(``!foreach $x in [1, 2]``). ``+`` adds numbers and joins anything else; ``/`` divides integers;
``&&`` and ``||`` give 1 or 0. Like PlantUML 1.2026 there is no ``%`` operator and no unary ``!``
(``%not()`` is the way to say it).

    >>> ev = Evaluator(lambda name: {"$n": 4}[name], lambda name, args: None)
    >>> ev.evaluate('$n * 2 + 1'), ev.evaluate('"a" + $n'), ev.evaluate('$n > 3 && $n < 9')
    (9, 'a4', 1)
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Callable

from flowlib.reading.lineerror import LineError

_TOKEN = re.compile(r"""
    \s*(?:
        (?P<num>\d+)
      | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<name>[%$]?[A-Za-z_][\w.]*)              # a variable, or a function when '(' follows
      | (?P<op>&&|\|\||==|!=|<=|>=|[-+*/<>(),\[\]{}:])
      | (?P<bad>\S)
    )""", re.VERBOSE)


def truthy(value) -> bool:
    """PlantUML's truth: a number is true unless 0, a string unless empty (``"0"`` is true).

    >>> truthy("0"), truthy(0), truthy("")
    (True, False, False)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return bool(value)


def text_of(value) -> str:
    """A value as the preprocessor writes it into a line.

    >>> text_of(True), text_of(3), text_of([1, "a"])
    ('1', '3', '[1,"a"]')
    """
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def split_arguments(text: str) -> list[str]:
    """``a, "b, c", f(d, e)`` -> the three arguments as written (commas inside quotes or brackets kept).

    >>> split_arguments('a, "b, c", f(d, e)')
    ['a', '"b, c"', 'f(d, e)']
    """
    args, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
    last = text[start:].strip()
    if last or args:
        args.append(last)
    return args


def matching_paren(text: str, open_at: int) -> int:
    """The index of the ``)`` closing the ``(`` at ``open_at``, or -1.

    >>> matching_paren("f(g(x), y) + 1", 1)
    9
    >>> matching_paren("f(x", 1)
    -1
    """
    depth, quote = 0, None
    for i in range(open_at, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'" and depth:
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


class Evaluator:
    """Evaluates expressions; ``variable(name)`` gives a variable's value (KeyError when unknown),
    ``call(name, values)`` a user function's (None when there is no such function)."""

    def __init__(self, variable: Callable[[str], object], call: Callable[[str, list], object]):
        self.variable = variable
        self.call = call

    def evaluate(self, text: str):
        self.tokens = self._tokens(text)
        self.pos = 0
        value = self._or()
        if self.pos != len(self.tokens):
            raise LineError(f"cannot read the expression {text.strip()!r}: unexpected {self.tokens[self.pos][1]!r}")
        return value

    @staticmethod
    def _tokens(text: str) -> list[tuple[str, str]]:
        out = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind is None:
                continue
            if kind == "bad":
                raise LineError(f"cannot read the expression {text.strip()!r}: PlantUML knows no operator "
                                f"{m.group(kind)!r} (use %not() for 'not'; there is no '%' operator)")
            out.append((kind, m.group(kind)))
        return out

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def _take(self, op: str) -> bool:
        if self._peek() == ("op", op):
            self.pos += 1
            return True
        return False

    def _expect(self, op: str):
        if not self._take(op):
            raise LineError(f"expected {op!r} in an expression")

    # PlantUML's operators and their precedence (TokenOperator), all left-associative.
    _PRECEDENCE = {"*": 97, "/": 97, "+": 96, "-": 96, "<": 94, ">": 94, "<=": 94, ">=": 94, "==": 93, "!=": 93,
                   "&&": 89, "||": 88}

    def _or(self, floor: int = 0):
        left = self._unary()
        while True:
            kind, op = self._peek()
            level = self._PRECEDENCE.get(op) if kind == "op" else None
            if level is None or level < floor:
                return left
            self.pos += 1
            left = _operate(op, left, self._or(level + 1))

    def _unary(self):
        if self._take("-"):
            return -_number(self._unary())
        if self._take("+"):
            return _number(self._unary())
        return self._atom()

    def _atom(self):
        kind, text = self._peek()
        if kind is None:
            raise LineError("an expression ends too early")
        self.pos += 1
        if kind == "num":
            return int(text)
        if kind == "str":
            return _unescape(text[1:-1])
        if kind == "op" and text == "(":
            value = self._or()
            self._expect(")")
            return value
        if kind == "op" and text in "[{":
            return self._json(text)
        if kind == "name":
            if self._take("("):
                args = []
                if not self._take(")"):
                    args.append(self._or())
                    while self._take(","):
                        args.append(self._or())
                    self._expect(")")
                return self.function(text, args)
            if text.lower() in ("true", "false") and not text.startswith(("$", "%")):
                return int(text.lower() == "true")
            try:
                return self.variable(text)
            except KeyError:
                raise LineError(f"unknown variable {text}") from None
        raise LineError(f"unexpected {text!r} in an expression")

    def _json(self, opening: str):
        # Re-read the literal from the tokens as JSON text.
        depth, parts, start = 1, [opening], self.pos
        while self.pos < len(self.tokens) and depth:
            kind, text = self.tokens[self.pos]
            self.pos += 1
            if kind == "op" and text in "[{":
                depth += 1
            elif kind == "op" and text in "]}":
                depth -= 1
            parts.append(text if kind != "str" or text[0] == '"' else json.dumps(_unescape(text[1:-1])))
        try:
            return json.loads(" ".join(parts))
        except ValueError:
            self.pos = start
            raise LineError(f"cannot read the JSON value {' '.join(parts)}") from None

    def function(self, name: str, args: list):
        value = self.call(name, args)
        if value is not None:
            return value
        if name.startswith("%"):
            return builtin(name, args, self)
        raise LineError(f"unknown function {name}")


def _operate(op: str, a, b):
    """``a op b`` as PlantUML's TValue computes it: numbers when both are numbers, else text."""
    numbers = type(a) is int and type(b) is int
    if op in ("&&", "||"):
        return int(truthy(a) and truthy(b)) if op == "&&" else int(truthy(a) or truthy(b))
    if op in ("<", ">", "<=", ">=", "==", "!="):
        x, y = (a, b) if numbers else (text_of(a), text_of(b))
        return int({"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y, "==": x == y, "!=": x != y}[op])
    if numbers:
        if op == "/":
            if b == 0:
                raise LineError("division by zero in an expression")
            return int(a / b)            # Java's integer division truncates toward zero
        return a + b if op == "+" else a - b if op == "-" else a * b
    # With text, + and - join the two; * and / join them around the operator.
    return text_of(a) + ("" if op in "+-" else op) + text_of(b)


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\'", "'")


def _number(value) -> int:
    if isinstance(value, int):
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise LineError(f"{value!r} is not a number") from None


# Java's SimpleDateFormat letters -> strftime, for %date(); longest first.
_DATE_PARTS = [("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("dd", "%d"),
               ("EEEE", "%A"), ("EEE", "%a"), ("HH", "%H"), ("hh", "%I"), ("mm", "%M"), ("ss", "%S"),
               ("a", "%p"), ("M", "%-m"), ("d", "%-d"), ("H", "%-H"), ("y", "%Y"), ("z", "%Z"), ("S", "000")]


def format_date(when: datetime, pattern: str | None) -> str:
    """``%date(pattern)`` as PlantUML formats it (Java's SimpleDateFormat letters; quotes for literal text).

    >>> format_date(datetime(2026, 1, 5, 9, 7), "yyyy-MM-dd HH:mm")
    '2026-01-05 09:07'
    """
    if pattern is None:
        return when.strftime("%a %b %d %H:%M:%S ") + (when.strftime("%Z") or "UTC") + when.strftime(" %Y")
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "'":
            end = pattern.find("'", i + 1)
            end = len(pattern) if end == -1 else end
            out.append(pattern[i + 1:end] or "'")
            i = end + 1
            continue
        for letters, code in _DATE_PARTS:
            if pattern.startswith(letters, i):
                out.append(when.strftime(code) if code.startswith("%") else code)
                i += len(letters)
                break
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


#: The built-in functions flowlib knows; PlantUML leaves any other ``%name(...)`` in a line as it is.
BUILTINS = frozenset("""
%date %now %strlen %substr %strpos %upper %lower %intval %string %boolval %true %false %not %newline %chr %ord
%dec2hex %hex2dec %size %variable_exists %function_exists %get_variable_value %set_variable_value %call_user_func
%splitstr %version %feature %filename %dirpath %filenamenoextension %getenv %random
""".split())


def builtin(name: str, args: list, ev: Evaluator):
    """The built-in ``%functions`` sequence diagrams use; the clock is ``ev.today``.

    >>> from datetime import datetime
    >>> ev = Evaluator(variable=lambda name: None, call=lambda name, values: None)
    >>> builtin("%upper", ["hello"], ev), builtin("%strlen", ["hello"], ev)
    ('HELLO', 5)
    >>> ev.today = datetime(2024, 5, 17)
    >>> builtin("%date", ["yyyy-MM-dd"], ev)
    '2024-05-17'
    """
    low = name.lower()
    a = args

    def arg(i, default=None):
        return a[i] if i < len(a) else default

    if low == "%date":
        when = getattr(ev, "today", None) or datetime.now()
        return format_date(when, text_of(arg(0)) if a else None)
    if low == "%now":
        when = getattr(ev, "today", None) or datetime.now()
        return int(when.timestamp())
    if low == "%strlen":
        return len(text_of(arg(0, "")))
    if low == "%substr":
        s = text_of(arg(0, ""))
        start = _number(arg(1, 0))
        return s[start:start + _number(a[2])] if len(a) > 2 else s[start:]
    if low == "%strpos":
        return text_of(arg(0, "")).find(text_of(arg(1, "")))
    if low == "%upper":
        return text_of(arg(0, "")).upper()
    if low == "%lower":
        return text_of(arg(0, "")).lower()
    if low == "%intval":
        return _number(arg(0, 0))
    if low == "%string":
        return text_of(arg(0, ""))
    if low == "%boolval":
        value = arg(0, 0)
        known = {"true": 1, "1": 1, "false": 0, "0": 0}
        if text_of(value).lower() in known:
            return known[text_of(value).lower()]
        raise LineError(f"cannot convert {text_of(value)} to a boolean (PlantUML: 'Cannot convert to boolean')")
    if low == "%true":
        return 1
    if low == "%false":
        return 0
    if low == "%not":
        return int(not truthy(arg(0, 0)))
    if low == "%newline":
        return "\\n"
    if low == "%chr":
        return chr(_number(arg(0, 32)))
    if low == "%ord":
        s = text_of(arg(0, ""))
        return ord(s[0]) if s else 0
    if low == "%dec2hex":
        return format(_number(arg(0, 0)), "x")
    if low == "%hex2dec":
        return int(text_of(arg(0, "0")), 16)
    if low == "%size":
        value = arg(0, "")
        return len(value) if isinstance(value, (list, dict, str)) else 0
    if low in ("%variable_exists", "%function_exists"):
        target = text_of(arg(0, ""))
        if low == "%variable_exists":
            return int(getattr(ev, "has_variable", lambda _n: False)(target))
        return int(getattr(ev, "has_function", lambda _n: False)(target))
    if low == "%get_variable_value":
        try:
            return ev.variable(text_of(arg(0, "")))
        except KeyError:
            return ""
    if low == "%set_variable_value":
        setter = getattr(ev, "set_variable", None)
        if setter is not None:
            setter(text_of(arg(0, "")), arg(1, ""))
        return ""
    if low == "%call_user_func":
        return ev.function(text_of(arg(0, "")), a[1:])
    if low == "%splitstr":
        return text_of(arg(0, "")).split(text_of(arg(1, ",")))
    if low == "%version":
        return "1.2026.8"
    if low == "%feature":
        return int(text_of(arg(0, "")) in ("style", "theme"))
    if low in ("%filename", "%dirpath", "%filenameNoExtension".lower()):
        return getattr(ev, "file_info", lambda _n: "")(low)
    if low == "%getenv":
        return ""    # flowlib does not read the environment into diagrams
    if low == "%random":
        raise LineError("%random() is not supported: flowlib's reading of a diagram is deterministic")
    raise LineError(f"unknown built-in function {name}")
