"""Public repository functions that do not take the AccessContext, each group with its
reason (tests/unit/test_repository_context.py). The last two groups are to be mended:
take an entry off when its function takes the context; add none."""

# Sign-in, the directory of organizations and pairings, platform tables: read before there
# is an access context, or to build it (api/access.py), or by the operator.
DIRECTORY = frozenset(
    {
        "api/auth/repository.py:add",
        "api/auth/repository.py:add_attempt",
        "api/auth/repository.py:end_sessions_of_user",
        "api/auth/repository.py:failed_attempts_from_address",
        "api/auth/repository.py:failed_attempts_on_device",
        "api/auth/repository.py:failed_untrusted_attempts",
        "api/auth/repository.py:memberships_of_user",
        "api/auth/repository.py:memberships_of_user_any",
        "api/auth/repository.py:personal_token",
        "api/auth/repository.py:personal_tokens",
        "api/auth/repository.py:revoke_tokens_of_user",
        "api/auth/repository.py:session_by_hash",
        "api/auth/repository.py:token_by_hash",
        "api/auth/repository.py:touch_resolved_token",
        "api/auth/repository.py:user_by_email",
        "api/auth/repository.py:user_by_id",
        "api/auth/repository.py:user_by_oidc",
        "api/auth/repository.py:user_by_username",
        "api/retention/repository.py:delete_api_tokens",
        "api/retention/repository.py:delete_sign_in_attempts",
        "api/retention/repository.py:delete_web_sessions",
        "api/scheduled/repository.py:all_runs",
        "api/scheduled/repository.py:record",
        "api/tenancy/repository.py:add",
        "api/tenancy/repository.py:all_organizations",
        "api/tenancy/repository.py:liaison_offices",
        "api/tenancy/repository.py:organization_by_id",
        "api/tenancy/repository.py:organization_by_name",
        "api/tenancy/repository.py:pairing_between",
        "api/tenancy/repository.py:pairing_by_id",
        "api/tenancy/repository.py:pairings_of",
        "api/tenancy/repository.py:supervision",
        "api/tenancy/repository.py:target",
        "api/tenancy/scope_repository.py:load_scope_rows",
    }
)

# Nightly maintenance over whole tables, by design (purge, figure-cache tidy, planner
# statistics).
SYSTEM_WIDE = frozenset(
    {
        "api/oversight/figure_cache_repository.py:system_tidy",
        "api/retention/repository.py:delete_idempotency_records",
        "api/supply/bulk_repository.py:refresh_statistics",
    }
)

# Build a piece of a query and run none; what runs it takes the context.
QUERY_PIECES = frozenset(
    {
        "api/matching/repository.py:vacancy_score",
        "api/oversight/records_repository/drill.py:listable",
        "api/oversight/statistics_repository/activity_builders.py:cases",
        "api/oversight/statistics_repository/activity_builders.py:open_vacancies",
        "api/oversight/statistics_repository/activity_builders.py:warnings",
        "api/oversight/statistics_repository/counted.py:between",
        "api/oversight/statistics_repository/counted.py:during",
        "api/oversight/statistics_repository/people_builders.py:band",
        "api/oversight/statistics_repository/people_builders.py:employed",
        "api/oversight/statistics_repository/people_builders.py:milestone",
        "api/oversight/statistics_repository/people_builders.py:registered",
        "api/oversight/statistics_repository/people_builders.py:registered_aged",
        "api/oversight/statistics_repository/people_builders.py:transfers",
    }
)

# To mend: writes and reads that should take the context or the checked parent. Both are
# empty since issue 15; a new entry needs a reason and a plan.
TO_MEND_WRITES: frozenset[str] = frozenset()
TO_MEND_READS: frozenset[str] = frozenset()
