"""The planner knows how common a tag is within a county (migration 0021): without the
tags' combined statistics it guessed a skill 8 times rarer than it was at a million
laborers and read the whole county for a 50-row page."""

import json

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.postgres_only

COMMONEST = """
SELECT tenant_id, value, count(*) FROM laborer_tags WHERE kind = 'skill'
GROUP BY tenant_id, value ORDER BY count(*) DESC LIMIT 1
"""


def test_the_tag_filter_is_estimated_from_the_combined_statistics(world):
    with world.superuser_session() as session:
        kinds = session.execute(
            text(
                "SELECT stxkind, array(SELECT attname FROM pg_attribute a"
                " WHERE a.attrelid = s.stxrelid AND a.attnum = ANY(s.stxkeys) ORDER BY attname)"
                " FROM pg_statistic_ext s WHERE stxname = 'st_laborer_tags_tenant_kind_value'"
            )
        ).one()
        assert list(kinds[0]) == ["m"]
        assert sorted(kinds[1]) == ["kind", "tenant_id", "value"]
        session.execute(text("ANALYZE laborer_tags"))
        tenant_id, value, truth = session.execute(text(COMMONEST)).one()
        plan = session.execute(
            text(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM laborer_tags"
                " WHERE tenant_id = :t AND kind = 'skill' AND value = :v"
            ),
            {"t": tenant_id, "v": value},
        ).scalar_one()
    estimate = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plan Rows"]
    assert truth >= 5, "the demo has a common skill to estimate"
    assert truth / 1.5 <= estimate <= truth * 1.5, (estimate, truth)
