"""The small part of PlantUML's preprocessor that real diagrams use: !define, !definelong, !$var =, !if, !undef."""

from __future__ import annotations

import re

from flowlib.reading.lineerror import LineError
from flowlib.reading.patterns import rx


_PRE_DEFINE = rx(r"!define\s+(?P<name>\w+)(?:\((?P<args>[^)]*)\))?(?:\s+(?P<body>.*))?$")
_PRE_VAR = rx(r"!(?:global\s+|local\s+)?(?P<name>\$?\w+)\s*\??=\s*(?P<value>.*)$")
_PRE_IF = rx(r"!(?P<kw>if|ifdef|ifndef|elseif|else|endif)\b\s*(?P<cond>.*)$")
_PRE_EXISTS = rx(r"%(?:variable_exists|function_exists)\(\s*[\"']?(\$?\w+)[\"']?\s*\)$")
_PRE_IGNORED = rx(r"!(?:pragma|theme|unquoted|assert|log|dump_memory)\b")
_PRE_DEFINELONG = rx(r"!definelong\s+(?P<name>\w+)(?:\((?P<args>[^)]*)\))?\s*$")
_PRE_ENDDEFINELONG = rx(r"!enddefinelong\s*$")
_PRE_UNDEF = rx(r"!undef\s+(?P<name>\$?\w+)\s*$")


class Preprocessor:
    """The small part of PlantUML's preprocessor real diagrams use: ``!define``, ``!$var =``, ``!if``."""

    def __init__(self):
        self.names: dict[str, str] = {}
        self.macros: list[tuple[re.Pattern, str, list[str], str]] = []   # pattern, body, arguments, name
        self.stack: list[list[bool]] = []    # per !if: [this branch active, some branch taken]
        self.long: tuple[str, str | None, list[str]] | None = None  # an open !definelong: name, args, body

    @property
    def active(self) -> bool:
        return all(frame[0] for frame in self.stack)

    def _true(self, kw: str, cond: str) -> bool:
        cond = cond.strip()
        if kw == "ifdef":
            return cond in self.names
        if kw == "ifndef":
            return cond not in self.names
        negate = cond.startswith("not ") or cond.startswith("!")
        cond = re.sub(r"^(?:not\s+|!)", "", cond).strip()
        m = _PRE_EXISTS.match(cond)
        if m:
            value = m.group(1) in self.names
        else:
            m = re.match(r"(\$?\w+)\s*(==|!=)\s*(.*)$", cond)
            if m:
                left = self.names.get(m.group(1), m.group(1))
                right = m.group(3).strip().strip("\"'")
                value = (left.strip("\"'") == right) == (m.group(2) == "==")
            else:
                value = cond.strip("\"'") not in ("", "0", "false")
        return value != negate

    def directive(self, line: str) -> bool:
        """Handle a ``!`` line; False when it is not one this preprocessor knows."""
        m = _PRE_IF.match(line)
        if m:
            kw = m.group("kw").lower()
            if kw in ("if", "ifdef", "ifndef"):
                value = self.active and self._true(kw, m.group("cond"))
                self.stack.append([value, value])
            elif not self.stack:
                raise LineError(f"!{kw} without !if")
            elif kw == "endif":
                self.stack.pop()
            else:
                frame = self.stack[-1]
                outer = all(f[0] for f in self.stack[:-1])
                value = outer and not frame[1] and (kw == "else" or self._true("if", m.group("cond")))
                frame[0] = value
                frame[1] = frame[1] or value
            return True
        if not self.active:
            return True
        if _PRE_IGNORED.match(line):
            return True
        m = _PRE_UNDEF.match(line)
        if m:
            name = m.group("name")
            self.names.pop(name, None)
            self.macros = [macro for macro in self.macros if macro[3] != name]
            return True
        m = _PRE_DEFINE.match(line)
        if m:
            self._define(m.group("name"), m.group("args"), m.group("body") or "")
            return True
        m = _PRE_DEFINELONG.match(line)
        if m:
            self.long = (m.group("name"), m.group("args"), [])
            return True
        m = _PRE_VAR.match(line)
        if m:
            self.names[m.group("name")] = m.group("value").strip().strip("\"'")
            if m.group("name").startswith("$"):
                self.macros.append((re.compile(re.escape(m.group("name")) + r"\b"), self.names[m.group("name")], [],
                                    m.group("name")))
            return True
        return False

    def _define(self, name: str, args: str | None, body: str):
        self.names[name] = body
        if args is not None:
            names = [a.strip() for a in args.split(",") if a.strip()]
            self.macros.append((re.compile(rf"\b{name}\(([^()]*)\)"), body, names, name))
        else:
            self.macros.append((re.compile(rf"\b{name}\b"), body, [], name))

    def collect(self, line: str) -> None:
        """Take one line of an open ``!definelong`` (its body, or the closing ``!enddefinelong``)."""
        name, args, body = self.long
        if _PRE_ENDDEFINELONG.match(line):
            self.long = None
            self._define(name, args, "\n".join(body))
        else:
            body.append(line)

    def expand(self, line: str) -> str:
        for pattern, body, args, _name in self.macros:
            if args:
                def call(m, body=body, args=args):
                    values = [v.strip() for v in m.group(1).split(",")]
                    out = body
                    for a, v in zip(args, values):
                        out = re.sub(rf"\b{re.escape(a)}\b", lambda _m, v=v: v, out)
                    return out
                line = pattern.sub(call, line)
            else:
                line = pattern.sub(lambda _m, body=body: body, line)
        return line
