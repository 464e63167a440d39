"""Frozen records: the classes ``@dataclass(frozen=True, slots=True)`` makes, for less at start-up.

The model's classes are records. ``python -m flowlib inspect`` is timed as a whole process (make bench),
and there the dataclasses module cost about 16 ms to import (it brings in inspect, ast, dis and
tokenize) and 10 ms more to decorate the model's 15 classes (some 90 methods compiled from generated
source on every start): a sixth of inspecting a 10,000-message diagram. A record is built with less:
one ``__init__`` per class, compiled the first time that class is built, and ``__repr__``, ``__eq__``,
``__hash__``, the frozen ``__setattr__`` and pickling shared by every record.

A record keeps the dataclass protocol, so code written for dataclasses works on it unchanged:
``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` (their Field objects are made by
dataclasses itself, on first use), ``__match_args__``, and assigning to a field raises
``dataclasses.FrozenInstanceError``. ``tests/test_records.py`` holds every model class against the
dataclass the same declaration makes.

>>> @record
... class Point:
...     x: int
...     y: int = 0
>>> p = Point(1)
>>> p, p == Point(1, 0), hash(p) == hash(Point(1, 0))
(Point(x=1, y=0), True, True)
>>> import dataclasses
>>> dataclasses.replace(p, y=5), [f.name for f in dataclasses.fields(p)]
(Point(x=1, y=5), ['x', 'y'])

Rule: this module imports nothing from flowlib (the model imports it).
"""

from __future__ import annotations

import sys
from operator import attrgetter

TYPE_CHECKING = False  # typing's, without importing typing (3 ms at start); type checkers know the name
if TYPE_CHECKING:
    from typing import Any
    from typing import dataclass_transform as _dataclass_transform
else:
    def _dataclass_transform(**_options):   # type checkers read typing's: record makes dataclass-like classes
        return lambda decorator: decorator


class _Missing:
    """The default of a field without one (dataclasses.MISSING, without importing dataclasses)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


class Field:
    """One field of a record: its name, default, and whether ``__init__``, ``__repr__`` and ``==`` use it.

    >>> Field("x", 0)
    Field('x', default=0, init=True, repr=True, compare=True)
    """

    __slots__ = ("name", "default", "init", "repr", "compare")

    def __init__(self, name: str, default=MISSING, init: bool = True, repr: bool = True, compare: bool = True):
        self.name, self.default, self.init, self.repr, self.compare = name, default, init, repr, compare

    def __repr__(self) -> str:
        return (f"Field({self.name!r}, default={self.default!r}, init={self.init}, repr={self.repr}, "
                f"compare={self.compare})")


def field(*, default=MISSING, init: bool = True, repr: bool = True, compare: bool = True) -> Any:
    """A field's options, as ``dataclasses.field`` takes them (its hash follows ``compare``).

    >>> @record
    ... class Cached:
    ...     value: int
    ...     _seen: dict = field(default=None, init=False, repr=False, compare=False)
    >>> Cached(3), Cached(3) == Cached(3), Cached(3)._seen is None
    (Cached(value=3), True, True)
    """
    return Field("", default, init, repr, compare)


# -- what every record shares --------------------------------------------------------------------
# Each reads the class's own lists: __record_key__ (the compared fields, as a tuple), __record_repr__
# and __record_names__ (every field, for pickling). They do what the methods dataclasses generates do.

def _repr(self) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self, other):
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) == key(other)
    return NotImplemented


def _hash(self) -> int:
    return hash(self.__record_key__(self))


def _frozen(self, name, value=None):
    from dataclasses import FrozenInstanceError   # (only an error needs it)

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delete(self, name):
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _replace(self, /, **changes):
    for f in self.__record_fields__:
        if f.init:
            changes.setdefault(f.name, getattr(self, f.name))
        elif f.name in changes:
            raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with replace()")
    return self.__class__(**changes)


def _getstate(self) -> list:
    return [getattr(self, name) for name in self.__record_names__]


def _setstate(self, state) -> None:
    for name, value in zip(self.__record_names__, state):
        object.__setattr__(self, name, value)


_SHARED = {"__repr__": _repr, "__eq__": _eq, "__hash__": _hash, "__setattr__": _frozen,
           "__delattr__": _frozen_delete, "__getstate__": _getstate, "__setstate__": _setstate,
           "__replace__": _replace}   # (copy.replace, Python 3.13)


class _DataclassView:
    """A record's ``__dataclass_fields__`` and ``__dataclass_params__``, made by dataclasses on first use.

    dataclasses.fields(), replace() and asdict() read these; they are the ones ``@dataclass(frozen=True)``
    makes from the same fields, so those functions see exactly what they would see on a dataclass.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner):
        import dataclasses

        owner = next(klass for klass in owner.__mro__ if "__record_fields__" in klass.__dict__)
        annotations = owner.__annotations__
        specs = [(f.name, annotations[f.name], dataclasses.field(
            default=dataclasses.MISSING if f.default is MISSING else f.default,
            init=f.init, repr=f.repr, compare=f.compare)) for f in owner.__record_fields__]
        made = dataclasses.make_dataclass(owner.__name__, specs, frozen=True)
        type.__setattr__(owner, "__dataclass_fields__", made.__dataclass_fields__)
        type.__setattr__(owner, "__dataclass_params__", made.__dataclass_params__)
        return getattr(owner, self.name)


def _key(names: tuple[str, ...]):
    """A function giving the tuple of ``names``' values of an object (what dataclasses compare and hash)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _signature(fields: tuple[Field, ...], defaults: dict) -> str:
    """The parameters of a record's ``__init__`` (each default put in ``defaults`` under a name of its own)."""
    params = []
    for f in fields:
        if f.default is not MISSING:
            defaults[f"__default_{f.name}__"] = f.default
        if f.init:
            params.append(f.name if f.default is MISSING else f"{f.name}=__default_{f.name}__")
    return ", ".join(params)


def _compiled(source: str, module: str, names: dict):
    """The function ``source`` defines, compiled in ``module``'s globals (so that its annotations resolve
    there, as a dataclass's do) with ``names`` as its closure, not as globals of the module."""
    maker = f"def __make__({', '.join(names)}):\n{source}    return __function__\n"
    scope: dict = {}
    exec(maker, getattr(sys.modules.get(module), "__dict__", {}), scope)   # as dataclasses does
    return scope["__make__"](**names)


def _init(cls: type, fields: tuple[Field, ...], post_init: bool):
    """The ``__init__`` dataclasses would write for these fields, compiled once."""
    names = {"__set__": object.__setattr__}
    params = _signature(fields, names)
    body = [f"        __set__(__self__, {f.name!r}, {f.name if f.init else f'__default_{f.name}__'})\n"
            for f in fields if f.init or f.default is not MISSING]
    if post_init:
        body.append("        __self__.__post_init__()\n")
    function = _compiled(f"    def __function__(__self__, {params}):\n{''.join(body) or '        pass'}\n",
                         cls.__module__, names)
    function.__name__, function.__qualname__ = "__init__", f"{cls.__qualname__}.__init__"
    annotations = cls.__dict__.get("__annotations__", {})
    function.__annotations__ = {**{f.name: annotations[f.name] for f in fields if f.init}, "return": None}
    return function


class _LazyInit:
    """A record's ``__init__``, compiled when it is first looked up (by a call, ``help()`` or ``inspect``):
    a program pays for the records it builds, not for every record the model declares."""

    __slots__ = ("post_init",)

    def __init__(self, post_init: bool):
        self.post_init = post_init

    def __get__(self, instance, owner):
        record = next(klass for klass in owner.__mro__ if "__record_fields__" in klass.__dict__)
        function = _init(record, record.__record_fields__, self.post_init)
        type.__setattr__(record, "__init__", function)   # from now on, the function itself
        return function if instance is None else function.__get__(instance, owner)


@_dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type) -> type:
    """The class ``cls`` declares, made a frozen, slotted record of its annotated fields (in order).

    Like ``@dataclass(frozen=True, slots=True)``: ``__init__`` takes the fields in order (a field with a
    default after one without is refused), ``__post_init__`` runs last, and ``==`` and ``hash`` use the
    compared fields; a mutable default is refused. Unlike it: every annotation is a field (no
    ``ClassVar``), a record may not subclass another, and the class may not write its own ``__init__``,
    ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` or ``__slots__``.

    >>> @record
    ... class Pair:
    ...     left: str
    ...     right: str = "?"
    >>> Pair("a").right, Pair.__match_args__
    ('?', ('left', 'right'))
    >>> Pair("a").left = "b"
    Traceback (most recent call last):
    dataclasses.FrozenInstanceError: cannot assign to field 'left'
    """
    own = cls.__dict__
    written = sorted(name for name in ("__init__", "__slots__", *_SHARED) if name in own)
    if written:
        raise TypeError(f"record {cls.__name__} writes {', '.join(written)}: a record makes those itself")
    if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
        raise TypeError(f"record {cls.__name__} subclasses a record: records do not inherit fields")
    annotations = own.get("__annotations__", {})
    stray = [name for name, value in own.items() if isinstance(value, Field) and name not in annotations]
    if stray:
        raise TypeError(f"{stray[0]!r} is a field but has no type annotation")
    fields: list[Field] = []
    for name in annotations:
        value = own.get(name, MISSING)
        made = value if isinstance(value, Field) else Field(name, value)
        made.name = name
        if made.default is not MISSING and type(made.default).__hash__ is None:   # as dataclasses refuses
            raise ValueError(f"mutable default {type(made.default)} for field {name} is not allowed: "
                             "a record's fields are shared, use None or a tuple")
        fields.append(made)
    after_default = False
    for f in fields:
        if f.init and f.default is MISSING and after_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        after_default = after_default or (f.init and f.default is not MISSING)
    names = tuple(f.name for f in fields)
    namespace = {key: value for key, value in own.items() if key not in names and key not in ("__dict__", "__weakref__")}
    namespace.update(_SHARED)
    namespace.update(
        __slots__=names, __qualname__=cls.__qualname__,
        __match_args__=tuple(f.name for f in fields if f.init),
        __record_fields__=tuple(fields), __record_names__=names,
        __record_repr__=tuple(f.name for f in fields if f.repr),
        __record_key__=staticmethod(_key(tuple(f.name for f in fields if f.compare))),
        __dataclass_fields__=_DataclassView(), __dataclass_params__=_DataclassView())
    if namespace.get("__doc__") is None:   # as dataclasses writes one, for help()
        shown = ", ".join(f"{f.name}: {annotations[f.name]}" + ("" if f.default is MISSING else f" = {f.default!r}")
                          for f in fields if f.init)
        namespace["__doc__"] = f"{cls.__name__}({shown})"
    namespace["__init__"] = _LazyInit("__post_init__" in own)
    return type(cls)(cls.__name__, cls.__bases__, namespace)


def twin(cls: type):
    """A faster constructor of record ``cls``, for records built by the thousand (the parser's messages).

    A record's ``__init__`` sets each field through ``object.__setattr__`` (to get past frozen), about
    1.5 us for a Message's 20 fields. The twin is a function that makes an object of a plain class with
    the same slots, stores the fields with plain assignments, and then turns the object into a ``cls``:
    ``__class__`` may change between classes with the same slots. What comes out is an ordinary ``cls``
    instance (same equality, hash, repr and fields), built about 6 times faster. It takes what
    ``cls(...)`` takes; ``cls`` may not have a ``__post_init__`` or a field left out of ``__init__``.

    >>> @record
    ... class Step:
    ...     number: int
    ...     label: str = ""
    >>> made = twin(Step)(3, label="go")
    >>> made, type(made) is Step, made == Step(3, "go")
    (Step(number=3, label='go'), True, True)
    """
    fields = cls.__record_fields__
    if hasattr(cls, "__post_init__") or not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__} has a __post_init__ or a field left out of __init__: a twin would skip it")
    plain = type(f"_{cls.__name__}Fields", (), {"__slots__": cls.__slots__, "__module__": cls.__module__})
    names = {"__record__": cls, "__plain__": plain, "__new__": object.__new__}
    params = _signature(fields, names)
    body = "".join(f"        __self__.{f.name} = {f.name}\n" for f in fields)
    # (a function, not a class: calling a class costs a tuple of the arguments and a second call to __init__)
    made = _compiled(f"    def __function__({params}):\n        __self__ = __new__(__plain__)\n{body}"
                     f"        __self__.__class__ = __record__\n        return __self__\n", cls.__module__, names)
    made.__name__ = made.__qualname__ = f"New{cls.__name__}"
    made.__doc__ = f"``New{cls.__name__}(...)`` is ``{cls.__name__}(...)``, built faster."
    return made
