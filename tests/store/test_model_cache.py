"""bot/store/model_cache.py: the trained models' folder keeps the models in use and the few last
used, and nothing else (no old model, no lock nobody holds, no partial file left behind)."""
import fcntl
import os
import time
from dataclasses import replace
from types import SimpleNamespace

from bot import create_app
from bot.store import model_cache, snapshots
from bot.table.files import read_table
from bot.table.model import Example
from bot.understanding.understander import fingerprint, training_data
from conftest import DATA_DIR, wait_until


def model_file(folder, key, age):
    """A model file of ``key`` last used ``age`` seconds ago."""
    path = folder / f"{key}.pickle"
    path.write_bytes(b"model " + key.encode())
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_old_models_go_and_those_in_use_or_last_used_stay(tmp_path):
    keys = [f"{i:064x}" for i in range(8)]  # keys[0] the last used, keys[7] the first
    for i, key in enumerate(keys):
        model_file(tmp_path, key, age=100 + 100 * i)
        (tmp_path / f"{key}.lock").touch()
    old_part, new_part = tmp_path / f"{keys[1]}.4242.part", tmp_path / f"{keys[2]}.4343.part"
    old_part.write_bytes(b"half a model")
    os.utime(old_part, (time.time() - 3600, time.time() - 3600))
    new_part.write_bytes(b"a model being written")
    other = tmp_path / "notes.txt"
    other.write_text("not ours")
    with open(tmp_path / f"{keys[5]}.lock", "a") as training:  # another process trains keys[5] now
        fcntl.flock(training, fcntl.LOCK_EX)
        deleted = model_cache.prune(tmp_path, in_use=lambda: {keys[7]}, kept=3)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert sorted(p.stem for p in tmp_path.glob("*.pickle")) == sorted([keys[0], keys[1], keys[2], keys[7]])
    assert [p.stem for p in tmp_path.glob("*.lock")] == [keys[5]]  # only the held lock stays
    assert new_part.name in left and other.name in left and old_part.name not in left
    assert sorted(deleted) == sorted([f"{k}.pickle" for k in keys[3:7]] + [old_part.name]
                                     + [f"{k}.lock" for k in keys if k != keys[5]])


def test_a_use_keeps_a_model_among_the_last_used(tmp_path):
    old, newer = f"{1:064x}", [f"{i:064x}" for i in range(2, 6)]
    model_file(tmp_path, old, age=1000)
    for i, key in enumerate(newer):
        model_file(tmp_path, key, age=500 - i)
    model_cache.used(tmp_path, old)  # another worker took it up just now
    model_cache.prune(tmp_path, in_use=set, kept=2)
    assert sorted(p.stem for p in tmp_path.glob("*.pickle")) == sorted([old, newer[-1]])


def test_a_missing_folder_is_nothing_to_prune(tmp_path):
    assert model_cache.prune(tmp_path / "none", in_use=set) == []


def test_each_change_of_the_examples_leaves_only_the_models_in_use(app_config, tmp_path, monkeypatch):
    """Through the store: every saved change trains a model in the background; the folder keeps the
    one served, the ones last used (another worker may serve the one before) and data/'s."""
    app = create_app({**app_config, "TRAIN_NEW_MODELS": True, "TABLE_REFRESH_SECONDS": 0.2})
    store = app.extensions["store"]
    monkeypatch.setattr(snapshots, "train_model", lambda data: SimpleNamespace(topics=(), size=len(str(data))))
    monkeypatch.setattr(snapshots, "MODELS", {})  # the stand-in models stay in this test
    folder = store.models_dir = tmp_path / "models"  # this test's own instance folder of models
    folder.mkdir()
    release = fingerprint(training_data(read_table(DATA_DIR)))
    model_file(folder, release, age=7200)  # data/'s: served by a worker that starts with the database down
    stale = [model_file(folder, f"{i:064x}", age=3600 + i) for i in range(3)]  # from earlier changes
    (folder / f"{0:064x}.lock").touch()
    served = []
    try:
        for n in range(6):
            table = store.snapshot().table
            taught = Example(f"the boss at farm {n} keeps our papers", "en", ("REPORT",))
            store.replace_table(replace(table, examples=table.examples + (taught,)))
            wanted = store.snapshot().wanted_key
            wait_until(lambda: store.snapshot().model_key == wanted and store.pruned_for == wanted,
                       "the background thread never trained and pruned", seconds=60)
            served.append(wanted)
    finally:
        store.close()
    left = {p.stem for p in folder.glob("*.pickle")}
    assert served[-1] in left and served[-2] in left and release in left
    assert not left & {p.stem for p in stale} and served[0] not in left
    assert len(left) <= model_cache.KEPT_MODELS + 1 and list(folder.glob("*.lock")) == []
    assert len(snapshots.MODELS) <= model_cache.KEPT_MODELS and served[-1] in snapshots.MODELS


def test_the_models_in_use_are_asked_for_only_beyond_those_kept(tmp_path):
    asked = []
    keys = [f"{i:064x}" for i in range(4)]
    for i, key in enumerate(keys[:3]):
        model_file(tmp_path, key, age=100 + i)
    assert model_cache.prune(tmp_path, in_use=lambda: asked.append(1) or set(), kept=3) == [] and asked == []
    model_file(tmp_path, keys[3], age=1000)  # the oldest, but in use
    model_cache.prune(tmp_path, in_use=lambda: asked.append(1) or {keys[3]}, kept=3)
    assert asked == [1] and sorted(p.stem for p in tmp_path.glob("*.pickle")) == keys


def test_a_worker_reads_data_for_its_release_model_only_when_pruning_needs_it(app_config):
    """Reading data/ costs a fresh worker most of a second of CPU, while it already serves."""
    app = create_app(app_config)
    store = app.extensions["store"]
    try:
        store._background()
        assert store.pruned_for == store.snapshot().model_key and store.release_key is None
    finally:
        store.close()
