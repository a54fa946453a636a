"""The figure cache keeps values and trends as JSON and reads them back as they were."""

import orjson
import pytest

from api.oversight import figures
from api.oversight.statistics_repository.queries import Value


def _through_json(kept: object) -> object:
    return orjson.loads(orjson.dumps(kept))


def test_value_read_back_as_written() -> None:
    for v in (Value(3, 7), Value(12), Value(0, 0)):
        assert figures._from_value(_through_json(figures._value(v))) == v


def test_trend_read_back_as_written() -> None:
    trend = [(Value(4, 9), {"410101": 2}), (Value(5), None)]
    assert figures._from_trend(_through_json(figures._trend(trend))) == trend


@pytest.mark.parametrize("damaged", [None, [1], ["1", 2], {"numerator": 1}])
def test_a_damaged_value_is_refused(damaged: object) -> None:
    with pytest.raises(ValueError, match="kept value"):
        figures._from_value(damaged)


@pytest.mark.parametrize("damaged", [None, [[1, 2]], [[1, 2, "x"]]])
def test_a_damaged_trend_is_refused(damaged: object) -> None:
    with pytest.raises(ValueError, match="kept trend"):
        figures._from_trend(damaged)
