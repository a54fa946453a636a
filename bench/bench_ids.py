"""`api.ids.new_id` against `uuid.uuid4()`, timed side by side in one run (the machine is
shared: the ratio is the figure, not the microseconds).

    .venv/bin/python -m bench.bench_ids [--count 500000] [--runs 5]
"""

import argparse
import statistics
import timeit
import uuid

from api.ids import new_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    made = {new_id() for _ in range(args.count)}
    assert len(made) == args.count, "ids repeat"
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in made)
    timings: dict[str, list[float]] = {"uuid.uuid4": [], "api.ids.new_id": []}
    for _ in range(args.runs):  # interleaved, so both meet the same load
        timings["uuid.uuid4"].append(timeit.timeit(uuid.uuid4, number=args.count))
        timings["api.ids.new_id"].append(timeit.timeit(new_id, number=args.count))
    base = statistics.median(timings["uuid.uuid4"])
    print(f"{args.count:,} ids, median of {args.runs} runs")
    for name, runs in timings.items():
        median = statistics.median(runs)
        per_id = median / args.count * 1e9
        print(f"{name:16} {median * 1000:8.1f} ms  {per_id:6.0f} ns/id  {median / base:.2f}×")


if __name__ == "__main__":
    main()
