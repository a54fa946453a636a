"""api.ids.new_id: version-4 ids, none repeated, across batches and threads."""

import threading
import uuid

from api import ids


def test_ids_are_random_version_4_and_never_repeat_across_batches_and_threads():
    made: list[uuid.UUID] = []
    lock = threading.Lock()

    def take() -> None:
        mine = [ids.new_id() for _ in range(ids._BATCH * 2 + 7)]  # past a batch's end
        with lock:
            made.extend(mine)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 4 * (ids._BATCH * 2 + 7)
    assert len(set(made)) == len(made)
    assert {i.version for i in made} == {4}
    assert {i.variant for i in made} == {uuid.RFC_4122}
