"""Trained models shared through the instance folder: one process trains a content, the others read it."""
import pickle
import threading

from bot.store import snapshots
from bot.table.files import read_table
from conftest import DATA_DIR


def test_a_process_waits_for_the_one_training_the_same_content(tmp_path, monkeypatch):
    table = read_table(DATA_DIR)
    trained, inside, release = [], threading.Event(), threading.Event()

    def train(data):
        """Stand-in for the real training, which takes seconds: remember the call, hold the lock a while."""
        trained.append(len(data))
        inside.set()
        release.wait(5)
        return {"model for": len(data)}

    monkeypatch.setattr(snapshots, "train_model", train)
    monkeypatch.setattr(snapshots, "MODELS", {})
    monkeypatch.setattr(snapshots, "_TRAINING", threading.Lock())
    first = threading.Thread(target=snapshots.trained_model, args=(table, tmp_path))
    first.start()
    assert inside.wait(5)
    # another process: it has its own lock and cache of models, and only the folder in common
    monkeypatch.setattr(snapshots, "_TRAINING", threading.Lock())
    other: list = []
    second = threading.Thread(target=lambda: other.append(snapshots.trained_model(table, tmp_path)))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # it waits on the folder's lock while the first trains
    snapshots.MODELS.clear()  # ... and will find the model in the folder, not in this process
    release.set()
    first.join(5)
    second.join(5)
    assert trained == [len(snapshots.training_data(table))]  # trained once
    key, model = other[0]
    assert model == {"model for": trained[0]} and pickle.loads((tmp_path / f"{key}.pickle").read_bytes()) == model
