"""The employer's bureau reads the placements with its employers, laborer masked.

The demo's placements were recorded by the counties directly (no referral): on
PostgreSQL the bureau could read the placement but not its laborer's row, and the list
answered 500. The sharing table says it reads the laborers placed with its side.
"""

from api.security.masking import mask_name
from tests.fixtures.factories import laborer_payload, placement_payload

NAME = "谭明秀"


def _placed_with(county, bureau_employer_id: str) -> tuple[str, str]:
    laborer = county.post("/api/v1/laborers", json=laborer_payload(name=NAME)).json()["id"]
    body = placement_payload(laborer, employer_id=bureau_employer_id, employer_name=None)
    body.pop("region_code")
    response = county.post("/api/v1/placements", json=body)
    assert response.status_code == 201, response.text
    return laborer, response.json()["id"]


def test_the_bureau_lists_and_reads_its_placements_masked(world, login):
    county, bureau = login("wushan.staff"), login("yantai.staff")
    listed = bureau.get("/api/v1/placements", params={"page_size": 200})
    assert listed.status_code == 200, listed.text
    demo = listed.json()["items"]
    assert demo, "the demo places 巫山 laborers with 烟台 employers"
    county_view = {
        p["id"]: p["laborer_name"]
        for p in county.get("/api/v1/placements", params={"page_size": 200}).json()["items"]
    }
    for item in demo:
        assert item["laborer_name"] == mask_name(county_view[item["id"]])
    employers = bureau.get("/api/v1/employers", params={"owner": str(world.orgs["yantai"])})
    laborer, placement = _placed_with(county, employers.json()["items"][0]["id"])
    seen = bureau.get(f"/api/v1/placements/{placement}")
    assert seen.status_code == 200, seen.text
    assert (seen.json()["laborer_id"], seen.json()["laborer_name"]) == (laborer, "谭*秀")
    assert county.get(f"/api/v1/placements/{placement}").json()["laborer_name"] == NAME
    assert bureau.get(f"/api/v1/placements/{placement}/verifications").status_code == 200
    # Its timeline names the laborer masked, as the placement does.
    timeline = bureau.get(f"/api/v1/laborers/{laborer}/timeline")
    assert timeline.status_code == 200, timeline.text
    assert (timeline.json()["name"], timeline.json()["masked"]) == ("谭*秀", True)
    # The register itself stays closed to it, and to a bureau of another pairing.
    assert bureau.get(f"/api/v1/laborers/{laborer}").status_code == 404
    assert login("weifang.staff").get(f"/api/v1/placements/{placement}").status_code == 404


def test_a_separation_recorded_by_the_bureau_on_a_direct_placement(world, login):
    county, bureau = login("wushan.staff"), login("yantai.staff")
    employers = bureau.get("/api/v1/employers", params={"owner": str(world.orgs["yantai"])})
    _laborer, placement = _placed_with(county, employers.json()["items"][0]["id"])
    ended = bureau.patch(
        f"/api/v1/placements/{placement}",
        json={"version": 1, "ended_on": "2021-06-30", "separation_reason": "quit"},
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["ended_on"], ended.json()["laborer_name"]) == ("2021-06-30", "谭*秀")
