"""PlantUML's preprocessor: variables, !if/!while/!foreach, functions and procedures, !define, !include, !theme.

It turns numbered raw lines into numbered raw lines, every directive consumed, as PlantUML does
before it reads a diagram. A diagram without any ``!`` line never comes here (see
:mod:`flowlib.reading.lines`): preprocessing costs nothing when it is not used.

    >>> pre = Preprocessor(None, None, None)
    >>> [raw for _, raw in pre.run(list(enumerate(['!$n = 2', '!while $n > 0', 'A -> B : $n',
    ...                                            '!$n = $n - 1', '!endwhile'], 1)))]
    ['A -> B : 2', 'A -> B : 1']
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from flowlib.reading.expressions import BUILTINS, Evaluator, matching_paren, split_arguments, text_of, truthy
from flowlib.reading.includes import Includes
from flowlib.reading.lineerror import LineError, column_of, file_of, located_error
from flowlib.reading.themes import THEMES

_DIRECTIVE = re.compile(r"!\s*(?P<word>[A-Za-z_]\w*)", re.I)
_ASSIGN = re.compile(r"!\s*(?:(?P<scope>global|local)\s+)?(?P<name>\$?[A-Za-z_]\w*)\s*(?P<op>\?=|=)\s*(?P<value>.*)$",
                     re.I)
_FUNCTION = re.compile(r"!\s*(?:(?:unquoted|final)\s+)*(?P<kind>function|procedure)\s+(?P<name>\$?[A-Za-z_]\w*)"
                       r"\s*\((?P<params>[^)]*)\)\s*(?P<rest>.*)$", re.I)
_FOREACH = re.compile(r"!\s*foreach\s+(?P<var>\$\w+)\s+in\s+(?P<expr>.+)$", re.I)
_DEFINE = re.compile(r"!\s*define\s+(?P<name>\w+)(?:\((?P<args>[^)]*)\))?(?:\s+(?P<body>.*))?$", re.I)
_DEFINELONG = re.compile(r"!\s*definelong\s+(?P<name>\w+)(?:\((?P<args>[^)]*)\))?\s*$", re.I)
_INCLUDE = re.compile(r"!\s*(?P<kind>include_many|include_once|includeurl|includesub|includedef|include)\s*(?P<target>.*)$",
                      re.I)
_CALL = re.compile(r"(?P<name>[$%]?[A-Za-z_]\w*)\s*\(")
_VARIABLE = re.compile(r"\$[A-Za-z_]\w*")
_IGNORED = frozenset({"pragma", "log", "dump_memory", "startsub", "endsub", "unquoted", "option"})
MAX_STEPS = 100_000          # loop iterations and calls: a runaway program stops with an error
MAX_INCLUDE_DEPTH = 32


class _Return(Exception):
    def __init__(self, value):
        self.value = value


class _Function:
    __slots__ = ("name", "kind", "params", "body", "expression")

    def __init__(self, name, kind, params, body, expression=None):
        self.name, self.kind, self.params, self.body, self.expression = name, kind, params, body, expression


def _params(text: str) -> list[tuple[str, str | None]]:
    out = []
    for part in split_arguments(text):
        name, _, default = part.partition("=")
        out.append((name.strip(), default.strip() if _ else None))
    return out


class Preprocessor:
    """Runs PlantUML's preprocessor over the numbered lines of a diagram.

    ``file`` is the top diagram's path (includes resolve from its folder), ``include_root`` the folder
    includes may not leave (default: the top diagram's), ``today`` the clock of ``%date()``.
    """

    def __init__(self, file, include_root, today: datetime | None, errors: list | None = None):
        self.file = file
        self.include_root = include_root
        self.today = today
        self.errors = errors if errors is not None else []
        self.globals: dict[str, object] = {}
        self.frames: list[dict[str, object]] = []
        self.functions: dict[str, _Function] = {}
        self.macros: list[tuple[re.Pattern, str, list[str], str]] = []   # legacy !define: pattern, body, args, name
        self._includes: Includes | None = None
        # The files being read, outermost first: one that includes itself again is a cycle.
        self.including: list[str] = [str(Path(file).resolve())] if file and Path(file).is_file() else []
        self.steps = 0
        self.themes: list[str] = []      # the !theme names read, in order: the diagram keeps them
        self.evaluator = Evaluator(self.variable, self._call)
        self.evaluator.today = today
        self.evaluator.has_function = lambda name: name in self.functions
        self.evaluator.has_variable = lambda name: name in self.globals or bool(self.frames and name in self.frames[-1])
        self.evaluator.set_variable = self.assign
        self.evaluator.file_info = self._file_info

    # -- state ---------------------------------------------------------------------------------
    def variable(self, name: str):
        if self.frames and name in self.frames[-1]:
            return self.frames[-1][name]
        if name in self.globals:
            return self.globals[name]
        if not name.startswith("$"):
            for _pattern, body, args, macro in self.macros:
                if macro == name and not args:
                    return body
            return name              # a bare word is its own text ($proc(A, B) passes "A" and "B")
        raise KeyError(name)

    def assign(self, name: str, value, scope: str | None = None):
        if scope == "global" or not self.frames:
            self.globals[name] = value
        elif scope == "local" or name in self.frames[-1] or name not in self.globals:
            self.frames[-1][name] = value
        else:
            self.globals[name] = value

    def _defined(self, name: str) -> bool:
        return (name in self.globals or (self.frames and name in self.frames[-1]) or name in self.functions
                or any(macro == name for *_rest, macro in self.macros))

    def _file_info(self, which: str) -> str:
        path = Path(self.file or "")     # PlantUML names the top diagram, also inside an included file
        if which == "%filename":
            return path.name
        if which == "%dirpath":
            return str(path.parent)
        return path.stem

    @property
    def includes(self) -> Includes:
        if self._includes is None:
            self._includes = Includes(self.file, self.include_root)
        return self._includes

    # -- running -------------------------------------------------------------------------------
    def run(self, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """The lines after preprocessing; problems go to ``self.errors`` as located DiagramErrors."""
        out: list[tuple[int, str]] = []
        self._execute(lines, out)
        return out

    def _error(self, err: LineError, number, raw: str):
        located = located_error(err.message, file_of(number) or self.file, int(number),
                                column_of(raw) + err.column - 1, raw)
        if getattr(err, "offline", False):
            located.offline = True      # not PlantUML's problem: another kind of diagram is named first
        self.errors.append(located)

    def _tick(self):
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LineError(f"the preprocessor stopped after {MAX_STEPS} loop turns and calls: is a !while endless?")

    def _execute(self, lines, out):
        ifs: list[list[bool]] = []     # per !if: [this branch runs, a branch was taken, the !if itself runs]
        in_comment = False
        i, n = 0, len(lines)
        while i < n:
            number, raw = lines[i]
            i += 1
            s = raw.strip()
            active = not ifs or ifs[-1][0]
            if in_comment:
                if active:
                    out.append((number, raw))
                if "'/" in raw:
                    in_comment = False
                continue
            if s[:1] != "!":
                if not active:
                    continue
                if s[:1] == "'":
                    out.append((number, raw))
                elif s.startswith("/'") and "'/" not in s[2:]:
                    in_comment = True
                    out.append((number, raw))
                else:
                    try:
                        out.extend(self.expand_line(number, raw))
                    except LineError as err:
                        self._error(err, number, raw)
                continue
            m = _DIRECTIVE.match(s)
            word = m.group("word").lower() if m else ""
            try:
                if word in ("if", "ifdef", "ifndef"):
                    runs = active and self._condition(word, s[m.end():])
                    ifs.append([runs, runs, active])
                    continue
                if word in ("elseif", "else", "endif"):
                    if not ifs:
                        raise LineError(f"!{word} without an !if before it")
                    frame = ifs[-1]
                    if word == "endif":
                        ifs.pop()
                    elif frame[2] and not frame[1]:
                        runs = word == "else" or self._condition("if", s[m.end():])
                        frame[0] = frame[1] = runs
                    else:
                        frame[0] = False
                    continue
                if not active:
                    continue
                i = self._directive(word, s, m, lines, i, number, raw, out)
            except LineError as err:
                self._error(err, number, raw)
        if ifs:
            raise_at = lines[-1] if lines else (1, "")
            self._error(LineError("an !if is never closed: add !endif"), raise_at[0], raise_at[1])

    def _collect(self, lines, i, opening: tuple[str, ...], closing: tuple[str, ...], what: str):
        """The body lines up to the matching closing directive, and the index after it."""
        depth, start = 1, i
        while i < len(lines):
            m = _DIRECTIVE.match(lines[i][1].strip())
            if m:
                word = m.group("word").lower()
                if word in opening:
                    depth += 1
                elif word in closing:
                    depth -= 1
                    if depth == 0:
                        return lines[start:i], i + 1
            i += 1
        raise LineError(f"this {what} is never closed: add !{closing[0]}")

    def _condition(self, word: str, text: str) -> bool:
        text = text.strip()
        if word == "ifdef":
            return bool(self._defined(text))
        if word == "ifndef":
            return not self._defined(text)
        return truthy(self.evaluate(text))

    def evaluate(self, text: str):
        return self.evaluator.evaluate(self._expand_macros(text) if self.macros else text)

    def _directive(self, word, s, m, lines, i, number, raw, out) -> int:
        if word == "while":
            body, after = self._collect(lines, i, ("while",), ("endwhile",), "!while")
            condition = s[m.end():]
            while truthy(self.evaluate(condition)):
                self._tick()
                self._execute(body, out)
            return after
        if word == "foreach":
            fm = _FOREACH.match(s)
            if fm is None:
                raise LineError("write !foreach $item in [1, 2, 3]")
            body, after = self._collect(lines, i, ("foreach",), ("endfor", "endforeach"), "!foreach")
            values = self.evaluate(fm.group("expr"))
            if isinstance(values, dict):
                values = list(values)
            elif not isinstance(values, list):
                values = [values]
            for value in values:
                self._tick()
                self.assign(fm.group("var"), value)
                self._execute(body, out)
            return after
        if word in ("function", "procedure", "unquoted", "final") and _FUNCTION.match(s):
            fm = _FUNCTION.match(s)
            kind = fm.group("kind").lower()
            rest = fm.group("rest").strip()
            params = _params(fm.group("params"))
            if rest.lower().startswith("!return"):
                self.functions[fm.group("name")] = _Function(fm.group("name"), kind, params, [], rest[7:])
                return i
            body, after = self._collect(lines, i, ("function", "procedure"), (f"end{kind}",), f"!{kind}")
            self.functions[fm.group("name")] = _Function(fm.group("name"), kind, params, body)
            return after
        if word == "return":
            raise _Return(self.evaluate(s[m.end():]) if s[m.end():].strip() else "")
        if word in ("endfunction", "endprocedure", "endwhile", "endfor", "endforeach", "enddefinelong"):
            raise LineError(f"!{word} without its opening directive")
        if word == "definelong":
            dm = _DEFINELONG.match(s)
            if dm is None:
                raise LineError("write !definelong NAME(args) ... !enddefinelong")
            body, after = self._collect(lines, i, ("definelong",), ("enddefinelong",), "!definelong")
            self._define(dm.group("name"), dm.group("args"), "\n".join(r.strip() for _, r in body))
            return after
        if word == "define":
            dm = _DEFINE.match(s)
            if dm is None:
                raise LineError("write !define NAME value")
            self._define(dm.group("name"), dm.group("args"), dm.group("body") or "")
            return i
        if word == "undef":
            name = s[m.end():].strip()
            self.globals.pop(name, None)
            self.functions.pop(name, None)
            self.macros = [macro for macro in self.macros if macro[3] != name]
            return i
        if word.startswith("include") or word == "import":
            self._include(s, number, out)
            return i
        if word == "theme":
            self._theme(s[m.end():].strip())
            return i
        if word == "assert":
            condition, _, message = s[m.end():].partition(":")
            if not truthy(self.evaluate(condition)):
                raise LineError(f"assertion failed{': ' + message.strip() if message.strip() else ''}")
            return i
        if word in _IGNORED:
            return i
        am = _ASSIGN.match(s)
        if am is not None:
            name = am.group("name")
            if am.group("op") == "?=" and self._defined(name):
                return i
            self.assign(name, self.evaluate(am.group("value")), (am.group("scope") or "").lower() or None)
            return i
        raise LineError(f"unknown preprocessor directive !{word}: PlantUML refuses it too"
                        if word else "a '!' line must name a preprocessor directive")

    def _define(self, name: str, args: str | None, body: str):
        if args is not None:
            names = [a.strip() for a in args.split(",") if a.strip()]
            self.macros.append((re.compile(rf"\b{name}\(([^()]*)\)"), body, names, name))
        else:
            self.macros.append((re.compile(rf"\b{name}\b"), body, [], name))

    def _theme(self, text: str):
        name = self.expand_text(text).strip()       # '!theme $name' reads the variable, as in PlantUML
        if " from " in f" {name} ".lower():
            raise LineError(f"cannot load theme {name}: flowlib knows only the themes bundled with PlantUML "
                            "1.2026.8, not themes from a folder or URL")
        if name not in THEMES:                      # the whole rest of the line: '!theme plain junk' is refused
            raise LineError(f"cannot load theme {name}: PlantUML 1.2026.8 bundles no theme of that name "
                            f"(it has {', '.join(sorted(THEMES))})")
        self.themes.append(name)

    def _include(self, s: str, number, out):
        im = _INCLUDE.match(s)
        if im is None:
            raise LineError("cannot include: flowlib knows !include, !include_many, !include_once and !includesub")
        kind = im.group("kind").lower()
        target = self.expand_text(im.group("target").strip())
        if not target:
            raise LineError(f"!{kind} needs a file name")
        if kind == "includeurl":
            target = target if "://" in target else "https://" + target
        sub = None
        if kind == "includesub":
            if "!" not in target:
                raise LineError("write !includesub FILE!NAME")
            target, sub = target.rsplit("!", 1)
        full = self.includes.locate(target, number, sub)
        path = str(full)
        if path in self.including:
            chain = " -> ".join(Path(p).name for p in [*self.including[self.including.index(path):], path])
            raise LineError(f"cannot include {target}: include cycle ({chain})")
        if len(self.including) > MAX_INCLUDE_DEPTH:
            raise LineError(f"cannot include {target}: includes nested more than {MAX_INCLUDE_DEPTH} deep")
        included = self.includes.lines(full, target, sub)   # read after the cycle and depth checks
        self.including.append(path)
        try:
            self._execute(included, out)
        finally:
            self.including.pop()

    # -- text lines ----------------------------------------------------------------------------
    def _expand_macros(self, line: str) -> str:
        for pattern, body, args, _name in self.macros:
            if args:
                def call(m, body=body, args=args):
                    values = [v.strip() for v in m.group(1).split(",")]
                    result = body
                    for a, v in zip(args, values):
                        result = re.sub(rf"\b{re.escape(a)}\b", lambda _m, v=v: v, result)
                    return result
                line = pattern.sub(call, line)
            else:
                line = pattern.sub(lambda _m, body=body: body, line)
        return line

    def expand_text(self, text: str) -> str:
        """``text`` with macros, function calls and variables replaced (one line: procedures not allowed)."""
        lines = self._expand(text, None)
        return "\n".join(lines)

    def expand_line(self, number, raw: str) -> list[tuple[int, str]]:
        """A text line, expanded: one or more numbered raw lines (a procedure call, a !definelong macro)."""
        if "$" not in raw and "%" not in raw and "(" not in raw and not self.macros:
            return [(number, raw)]
        return [(number, piece) for piece in self._expand(raw, number)]

    def _expand(self, text: str, number) -> list[str]:
        if self.macros:
            text = self._expand_macros(text)
        lines = text.split("\n")
        out: list[str] = []
        for line in lines:
            out.extend(self._calls(line))
        return [self._variables(line) for line in out]

    def _calls(self, line: str) -> list[str]:
        """Replace user function, procedure and built-in calls; a procedure may bring several lines."""
        result: list[str] = [""]
        pos = 0
        while True:
            m = _CALL.search(line, pos)
            if m is None:
                break
            name = m.group("name")
            known = name in self.functions or name.lower() in BUILTINS
            if not known:
                result[-1] += line[pos:m.end()]
                pos = m.end()
                continue
            close = matching_paren(line, m.end() - 1)
            if close == -1:
                result[-1] += line[pos:m.end()]
                pos = m.end()
                continue
            result[-1] += line[pos:m.start()]
            args = [self._argument(a) for a in split_arguments(line[m.end():close])]
            function = self.functions.get(name)
            if function is not None and function.kind == "procedure":
                produced = self._procedure(function, args)
                if produced:
                    result[-1] += produced[0]
                    result.extend(produced[1:])
            else:
                result[-1] += text_of(self.evaluator.function(name, args))
            pos = close + 1
        result[-1] += line[pos:]
        return result

    def _argument(self, text: str):
        try:
            return self.evaluate(text)
        except LineError:
            return self._variables(text)          # an unquoted word: its text

    def _variables(self, line: str) -> str:
        if "$" not in line:
            return line

        def value(m):
            name = m.group()
            try:
                return text_of(self.variable(name))
            except KeyError:
                return name
        return _VARIABLE.sub(value, line)

    def _bind(self, function: _Function, args: list) -> dict:
        if len(args) > len(function.params):
            raise LineError(f"{function.name} takes {len(function.params)} arguments, not {len(args)}")
        frame = {}
        for index, (name, default) in enumerate(function.params):
            if index < len(args):
                frame[name] = args[index]
            elif default is not None:
                frame[name] = self.evaluate(default)
            else:
                raise LineError(f"{function.name} needs a value for {name}")
        return frame

    def _call(self, name: str, args: list):
        """A user function's value, or None when ``name`` is not one (the evaluator's hook)."""
        function = self.functions.get(name)
        if function is None:
            return None
        if function.kind == "procedure":
            raise LineError(f"{name} is a procedure: call it on a line of its own, not in an expression")
        self._tick()
        self.frames.append(self._bind(function, args))
        try:
            if function.expression is not None:
                return self.evaluate(function.expression)
            try:
                self._execute(function.body, [])
            except _Return as ret:
                return ret.value
            return ""
        finally:
            self.frames.pop()

    def _procedure(self, function: _Function, args: list) -> list[str]:
        self._tick()
        self.frames.append(self._bind(function, args))
        produced: list[tuple[int, str]] = []
        try:
            self._execute(function.body, produced)
        except _Return:
            pass
        finally:
            self.frames.pop()
        return [raw.strip() for _, raw in produced]
