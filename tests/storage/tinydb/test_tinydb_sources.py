"""TinyDB-file specifics of SourceRepo: runtime-added sources and per-URL poll state."""

from __future__ import annotations

import json

from bot.models import Source, SourceState
from storage import Store

FEED = Source("Example News", "https://example.org/feed.xml", added_by="telegram:100")
OTHER = Source("Other", "https://other.example/rss", added_by="telegram:200")


def test_save_states_is_one_write_per_cycle(store: Store) -> None:
    main = store.paths.main
    states = [SourceState(f"https://feed{i}.example/rss", primed=True) for i in range(50)]
    store.sources.save_states(states)
    assert len(json.loads(main.read_bytes())["source_states"]) == 50
    # One atomic replace for 50 states: the backup is the file as it was before the cycle.
    backup = json.loads(main.with_name(main.name + ".bak").read_bytes())
    assert not backup.get("source_states")
    inode = main.stat().st_ino
    store.sources.save_states(states)  # unchanged states: nothing to write
    assert main.stat().st_ino == inode
