"""py3langid's model as one uncompressed file, mapped read-only and shared by every process.

py3langid ships its model LZMA-compressed; loading it decompresses ~65 MB into each process
that detects (~75 MB resident with the lists it builds, ~150 MB at the peak of the load, 1 s):
each feed-parsing process held its own copy. Here the model is written once, uncompressed and
in the exact arrays py3langid scores with, to a cache file that each process maps with
`mmap`: the pages are the kernel's page cache, one copy for all processes (their PSS splits
it, and only the pages a text touches become resident), clean (the kernel can drop them under
pressure and read them again), and a process starts detecting in milliseconds.

The arrays are py3langid's own, byte for byte (the DFA's transitions, its row offsets already
shifted as py3langid shifts them, the feature per state, the naive Bayes tables) and its own
`LanguageIdentifier` scores them, so every result is the same as the library's own load's
(tests/unit/test_lang.py compares them on the corpus). Without the layout this code knows
(another py3langid version), or without a writable cache directory, the library's own load is
used: slower and bigger, never wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mmap
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAGIC = b"newsbot-langid-v1\n"
HEADER = 4096  # magic, then the JSON layout, padded; the arrays start page-aligned after it
ALIGN = 4096


def cache_dirs() -> list[Path]:
    """Where the cache may live, best first: the user's cache directory, else a private temp one."""
    dirs = []
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        dirs.append(Path(xdg) / "newsbot")
    with contextlib.suppress(RuntimeError):  # no home directory
        dirs.append(Path.home() / ".cache" / "newsbot")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    dirs.append(Path(tempfile.gettempdir()) / f"newsbot-cache-{uid}")
    return dirs


def _model_path() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def _fingerprint(model: Path) -> str:
    """The shipped model's digest: a new py3langid model is a new cache file."""
    return hashlib.sha256(model.read_bytes()).hexdigest()[:16]


def _arrays(model: Path) -> tuple[list[str], dict[str, Any]]:
    """The library's own load, as the arrays its identifier scores with."""
    import numpy as np
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(model)
    rowbase = np.asarray(row, dtype=np.uint32) << 8  # as LanguageIdentifier pre-shifts them
    return list(classes), {
        "nb_ptc": np.ascontiguousarray(ptc),
        "nb_pc": np.ascontiguousarray(pc),
        "tk_nextmove": np.frombuffer(memoryview(nextmove).cast("B"), dtype=f"u{nextmove.itemsize}"),
        "tk_row": np.asarray(row, dtype=np.uint16),
        "rowbase": rowbase,
        "tk_output": np.asarray(output, dtype=np.int32),
    }


def build(model: Path, target: Path) -> None:
    """Write the cache file for `model` at `target`, atomically (a reader sees all of it or none)."""
    classes, arrays = _arrays(model)
    layout: dict[str, Any] = {"classes": classes, "arrays": {}}
    offset = HEADER
    for name, array in arrays.items():
        layout["arrays"][name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += -(-array.nbytes // ALIGN) * ALIGN
    layout["size"] = offset
    head = MAGIC + json.dumps(layout).encode()
    if len(head) > HEADER:
        raise ValueError("the model's layout does not fit the cache header")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(head.ljust(HEADER, b"\0"))
            for name, array in arrays.items():
                fh.seek(layout["arrays"][name]["offset"])
                fh.write(array.tobytes())
            fh.truncate(offset)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)  # two processes building at once write the same bytes
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _mapped(path: Path) -> tuple[list[str], dict[str, Any]]:
    """The cache file's arrays, viewing its read-only mapping (no copy); ValueError if damaged."""
    import numpy as np

    with open(path, "rb") as fh:
        mapping = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    head = mapping[:HEADER]
    if not head.startswith(MAGIC):
        raise ValueError("not a newsbot language model cache")
    layout = json.loads(head[len(MAGIC) :].rstrip(b"\0"))
    if layout["size"] != len(mapping):
        raise ValueError("truncated language model cache")
    arrays = {}
    for name, spec in layout["arrays"].items():
        dtype = np.dtype(spec["dtype"])
        count = int(np.prod(spec["shape"]))
        arrays[name] = np.frombuffer(mapping, dtype, count, spec["offset"]).reshape(spec["shape"])
    return layout["classes"], arrays


def _identifier_of(classes: list[str], arrays: dict[str, Any]) -> Any:
    """py3langid's LanguageIdentifier over the mapped arrays.

    Its DFA walk indexes the transitions, row offsets and outputs one byte at a time: memoryviews
    of the mapping index like the array and lists it builds itself, without a private copy."""
    from py3langid.langid import LanguageIdentifier

    def flat(name: str, code: str) -> memoryview:
        return memoryview(arrays[name]).cast("B").cast(code)

    code = {2: "H", 4: "I"}[arrays["tk_nextmove"].dtype.itemsize]
    identifier = LanguageIdentifier(
        arrays["nb_ptc"],
        arrays["nb_pc"],
        classes,
        flat("tk_nextmove", code),
        flat("tk_output", "i"),
        norm_probs=True,
        tk_row=(),  # its row offsets come from the cache below, not a list built here
    )
    identifier.tk_row = flat("tk_row", "H")
    identifier._rowbase = flat("rowbase", "I")
    return identifier


def _supported() -> bool:
    """This py3langid stores the DFA as deduplicated rows (tk_row) and pre-shifts row offsets."""
    try:
        from py3langid.langid import LanguageIdentifier
        from py3langid.modelio import load_model  # noqa: F401
    except ImportError:
        return False
    return {"_rowbase", "tk_row"} <= set(getattr(LanguageIdentifier, "__slots__", ()))


def load() -> Any:
    """The detector: from the shared cache (built on first use), else py3langid's own load."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    if not _supported():
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model = _model_path()
    name = f"langid-{_fingerprint(model)}.bin"
    for directory in cache_dirs():
        path = directory / name
        for _ in range(2):  # a damaged file is removed and built again, once
            try:
                if not path.exists():
                    build(model, path)
                return _identifier_of(*_mapped(path))
            except OSError as exc:  # not writable, or no space: the next directory
                log.debug("language model cache %s unusable: %s", path, exc)
                break
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("language model cache %s is damaged (%s); building it again", path, exc)
                with contextlib.suppress(OSError):
                    path.unlink()
    log.warning("no writable cache directory for the language model; loading it in this process")
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
