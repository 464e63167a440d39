"""Records behave as the dataclasses the same declarations make (flowlib.records)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
import types
import typing

import pytest

import flowlib.model
from flowlib import parse
from flowlib.records import field, record, twin



def _reference_model() -> dict:
    """flowlib.model's own source, run with @dataclass(frozen=True, slots=True) in place of @record."""
    source = inspect.getsource(flowlib.model)
    written = "from flowlib.records import field, record\n"
    assert written in source, "the model no longer imports record and field as this test expects"
    source = source.replace(written, "from dataclasses import dataclass, field\n"
                                     "record = dataclass(frozen=True, slots=True)\n")
    module = types.ModuleType("reference_model")
    sys.modules[module.__name__] = module   # (dataclasses looks its class's module up)
    try:
        exec(compile(source, module.__name__, "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


REFERENCE = _reference_model()
RECORDS = sorted((name for name, value in vars(flowlib.model).items()
                  if isinstance(value, type) and hasattr(value, "__record_fields__")))


def test_every_model_class_is_a_record():
    declared = [name for name, value in vars(flowlib.model).items()
                if isinstance(value, type) and value.__module__ == "flowlib.model"]
    assert declared and sorted(declared) == RECORDS


def _field_options(cls) -> list[tuple]:
    return [(f.name, f.default, f.default_factory, f.init, f.repr, f.compare, f.hash, f.kw_only, f.type)
            for f in dataclasses.fields(cls)]


@pytest.mark.parametrize("name", RECORDS)
def test_declaration_matches_the_dataclass(name):
    made, reference = getattr(flowlib.model, name), REFERENCE[name]
    assert inspect.signature(made) == inspect.signature(reference)
    assert made.__match_args__ == reference.__match_args__
    assert made.__slots__ == reference.__slots__
    assert _field_options(made) == _field_options(reference)
    assert dataclasses.is_dataclass(made) and made.__doc__ == reference.__doc__
    params = made.__dataclass_params__
    assert (params.frozen, params.eq, params.init, params.repr) == (True, True, True, True)


EVERYTHING = """\
title Every kind of record
box Cloud #LightBlue
participant "Web UI" as UI
actor User
end box
User -> UI ++ : hello
note right of UI : a note
alt ok
  UI --> User -- : fine
else not ok
  UI ->x User : lost
end
== phase ==
...
||45||
ref over UI : elsewhere
User -> UI : after the wait
create Z
UI -> Z : make
destroy Z
newpage next
User -> UI : again
@enduml
"""


def _instances() -> list:
    """Every kind of model object, from a diagram that holds each."""
    diagram = parse("@startuml\n" + EVERYTHING, file="every.puml")
    objects = [diagram, *diagram.participants, *diagram.events, *diagram.groups, *diagram.boxes]
    kinds = {type(o).__name__ for o in objects}
    assert kinds == set(RECORDS), f"no instance of {set(RECORDS) - kinds}"
    return objects


INSTANCES = _instances()


def _as_reference(obj):
    """The same object made by the reference dataclass (nested records converted too)."""
    if isinstance(obj, tuple):
        return tuple(_as_reference(o) for o in obj)
    if hasattr(type(obj), "__record_fields__"):
        cls = REFERENCE[type(obj).__name__]
        return cls(**{f.name: _as_reference(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init})
    return obj


@pytest.mark.parametrize("obj", INSTANCES, ids=lambda o: type(o).__name__)
def test_instances_behave_as_the_dataclass_ones(obj):
    reference = _as_reference(obj)
    assert repr(obj) == repr(reference)
    assert hash(obj) == hash(reference)
    assert dataclasses.asdict(obj) == dataclasses.asdict(reference)
    assert dataclasses.astuple(obj) == dataclasses.astuple(reference)
    assert obj != reference  # a different class, as two dataclasses with the same fields are
    same = dataclasses.replace(obj)
    assert same == obj and same is not obj and hash(same) == hash(obj)
    first = dataclasses.fields(obj)[0]
    for fresh in (copy.copy(obj), copy.deepcopy(obj), pickle.loads(pickle.dumps(obj))):
        assert fresh == obj and type(fresh) is type(obj)
    with pytest.raises(dataclasses.FrozenInstanceError, match=first.name):
        setattr(obj, first.name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(obj, first.name)
    with pytest.raises(AttributeError):
        obj.not_a_field = 1


def test_equality_follows_the_compared_fields_only():
    message = next(e for e in INSTANCES if type(e).__name__ == "Message")
    assert dataclasses.replace(message, label="other") != message
    diagram = INSTANCES[0]
    twin_diagram = dataclasses.replace(diagram)
    twin_diagram.phases  # fills a cache field, which == and hash ignore
    assert twin_diagram == diagram and hash(twin_diagram) == hash(diagram)
    assert twin_diagram.participant(diagram.participants[0].code) == diagram.participants[0]  # __post_init__ ran


def test_match_statement():
    message = next(e for e in INSTANCES if type(e).__name__ == "Message")
    match message:
        case flowlib.model.Message(step, source, target):
            assert (step, source, target) == (message.step, message.source, message.target)
        case _:
            pytest.fail("a Message did not match its own class pattern")


def test_twin_builds_the_record():
    made = twin(flowlib.model.Message)(7, "A", "B", label="hi", line=3)
    expected = flowlib.model.Message(7, "A", "B", label="hi", line=3)
    assert type(made) is flowlib.model.Message and made == expected and repr(made) == repr(expected)
    with pytest.raises(TypeError, match="__post_init__"):
        twin(flowlib.model.Diagram)


def test_declarations_a_record_refuses():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @record
        class Wrong:
            a: int = 0
            b: int
    with pytest.raises(TypeError, match="writes __eq__"):
        @record
        class Own:
            a: int

            def __eq__(self, other):
                return True
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'a'"):
        @record
        class Needs:
            a: int
            b: dict = field(default=None, init=False)
        Needs()


def test_what_dataclasses_refuses_records_refuse_too():
    with pytest.raises(ValueError, match="mutable default <class 'list'> for field items"):
        @record
        class Shared:
            items: list = []
    with pytest.raises(TypeError, match="'extra' is a field but has no type annotation"):
        @record
        class Stray:
            a: int
            extra = field(default=1)


def test_a_record_does_not_subclass_a_record_but_a_plain_class_may():
    @record
    class Base:
        a: int

    with pytest.raises(TypeError, match="subclasses a record"):
        @record
        class Child(Base):
            b: int = 0

    class Plain(Base):
        __slots__ = ()

    assert [f.name for f in dataclasses.fields(Plain)] == ["a"] and dataclasses.is_dataclass(Plain(1))
    assert dataclasses.asdict(Plain(1)) == {"a": 1}


def test_init_is_what_a_dataclass_has():
    hints = typing.get_type_hints(flowlib.model.Diagram.__init__)
    assert hints["participants"] == tuple[flowlib.model.Participant, ...] and hints["return"] is type(None)
    assert flowlib.model.Message.__init__.__qualname__ == "Message.__init__"

    @record
    class Odd:   # field names the generated code must not trip on, and no docstring
        self: int
        object: str = "x"

    assert (Odd(1).self, Odd(1).object) == (1, "x")
    assert Odd.__doc__ == "Odd(self: int, object: str = 'x')"
    assert Odd(1).__replace__(object="y") == Odd(1, "y")    # what copy.replace calls (Python 3.13)

    @record
    class Later:
        a: int
        b: int = 2

    assert not inspect.isfunction(Later.__dict__["__init__"])   # compiled on first use, not at declaration
    assert str(inspect.signature(Later)) == "(a: 'int', b: 'int' = 2) -> None"   # (annotations are text here)
    assert inspect.isfunction(Later.__dict__["__init__"]) and Later(1) == Later(1, 2)
    with pytest.raises(ValueError, match="init=False"):
        INSTANCES[0].__replace__(_memo={})


def test_the_command_line_starts_without_dataclasses():
    """The point of records: ``python -m flowlib inspect`` imports neither dataclasses nor inspect."""
    code = ("import sys, flowlib.cli, flowlib.reading; flowlib.reading.parse('A -> B: hi'); "
            "print(sorted({'dataclasses', 'inspect', 'typing'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
