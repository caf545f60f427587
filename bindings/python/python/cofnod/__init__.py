"""cofnod: checks of social care records, in English and Welsh, on this machine.

The same engine as the ``cofnod`` command line, for running inside a data team's
own tools or a distributed engine (Dask, Spark): the findings are those of
``cofnod check --format json``, record by record.

    import cofnod
    findings = cofnod.check("Mr Evans was very aggressive.", models="off")
    results = cofnod.check_batch(["first note", "second note"])

Nothing leaves the machine: no network, no telemetry. Build one ``Checker`` per
worker process and reuse it; ``check`` and ``check_batch`` keep one per set of
options for you.
"""

import json
from typing import Iterable, List, Optional, Sequence

from ._cofnod import Checker as _NativeChecker
from ._cofnod import version as _version

__all__ = ["Checker", "check", "check_batch", "version"]
__version__ = _version()


def version() -> str:
    """cofnod's version."""
    return _version()


class Checker:
    """One engine (and the models, when used), built once and used for many texts.

    config: a cofnod.toml; rules: extra rule files; models: "auto" (the installed
    models when there are any) or "off" (the rules alone), default the
    configuration's, else "auto"; models_dir: where the models are installed.
    """

    def __init__(self, config: Optional[str] = None, rules: Sequence[str] = (), models: Optional[str] = None, models_dir: Optional[str] = None):
        self._native = _NativeChecker(config, [str(r) for r in rules], models, models_dir)

    @property
    def models_loaded(self) -> bool:
        """Whether the on-device models are in use."""
        return self._native.models_loaded

    @property
    def models_note(self) -> Optional[str]:
        """Why the models are not in use, when they were asked for."""
        return self._native.models_note

    def result(self, text: Optional[str]) -> dict:
        """One text's result: {"language": ..., "findings": [...]}, or {"error": ...}
        when there is no text or it is too large."""
        return json.loads(self._native.check_json(text))

    def check(self, text: str) -> List[dict]:
        """The findings of one text, each as `cofnod check --format json` gives it.
        Raises ValueError when there is no text to check."""
        result = self.result(text)
        if "error" in result:
            raise ValueError(result["error"])
        return result["findings"]

    def check_batch(self, texts: Iterable[Optional[str]]) -> List[dict]:
        """Many texts' results, in order, checked in parallel on this process's cores:
        each {"language": ..., "findings": [...]} or {"error": ...}."""
        return [json.loads(r) for r in self._native.check_batch_json([None if t is None else str(t) for t in texts])]


_checkers = {}


def _checker(config=None, rules=(), models=None, models_dir=None) -> Checker:
    key = (config, tuple(rules), models, models_dir)
    if key not in _checkers:
        _checkers[key] = Checker(config, rules, models, models_dir)
    return _checkers[key]


def check(text: str, *, config: Optional[str] = None, rules: Sequence[str] = (), models: Optional[str] = None, models_dir: Optional[str] = None) -> List[dict]:
    """The findings of one text (see Checker.check)."""
    return _checker(config, tuple(rules), models, models_dir).check(text)


def check_batch(texts: Iterable[Optional[str]], *, config: Optional[str] = None, rules: Sequence[str] = (), models: Optional[str] = None, models_dir: Optional[str] = None) -> List[dict]:
    """Many texts' results, in order (see Checker.check_batch)."""
    return _checker(config, tuple(rules), models, models_dir).check_batch(texts)
