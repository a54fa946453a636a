"""Matching over the JSON API: explained results, intention respected, who may ask."""

from tests.fixtures.factories import credit_code, employer_payload, laborer_payload, vacancy_payload


def _post(user, url, payload):
    response = user.post(url, json=payload)
    assert response.status_code == 201, response.text
    return response.json()


def _yantai_welding(login, **overrides):
    yantai = login("yantai.staff")
    employer = _post(yantai, "/api/v1/employers", employer_payload(offers_housing=True))
    return _post(
        yantai, "/api/v1/vacancies", vacancy_payload(employer["id"], wage_min=5000, **overrides)
    )


def _wushan_local(login):
    wushan = login("wushan.staff")
    employer = _post(
        wushan,
        "/api/v1/employers",
        employer_payload(
            name="巫山县恒达电子扶贫车间",
            credit_code=credit_code("500237"),
            region_code="500237",
            is_workshop=True,
            offers_housing=False,
        ),
    )
    return _post(wushan, "/api/v1/vacancies", vacancy_payload(employer["id"], title="焊接学徒"))


def _matches(user, laborer_id, **params):
    response = user.get(f"/api/v1/laborers/{laborer_id}/matches", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_willing_welder_gets_the_yantai_welding_job_explained(login):
    vacancy = _yantai_welding(login)
    wushan = login("wushan.staff")
    laborer = _post(wushan, "/api/v1/laborers", laborer_payload(expected_wage=4500))
    body = _matches(wushan, laborer["id"])
    assert body["reason"] is None
    match = next(m for m in body["items"] if m["vacancy"]["id"] == vacancy["id"])
    criteria = {c["key"]: c for c in match["explanation"]["criteria"]}
    assert criteria["skill"]["reason"] == "occupation" and criteria["skill"]["points"] == 40
    assert criteria["place"]["reason"] == "preferred_city" and criteria["place"]["points"] == 25
    assert criteria["wage"]["reason"] == "wage_meets" and criteria["wage"]["points"] == 15
    assert criteria["threshold"]["points"] == 10  # low threshold, basic skill
    assert criteria["housing"]["reason"] == "housing_provided"
    assert match["score"] == match["explanation"]["score"] == 100
    assert all(f["met"] for f in match["explanation"]["filters"])
    assert "烟台" in criteria["place"]["text"]
    # Best first.
    scores = [m["score"] for m in body["items"]]
    assert scores == sorted(scores, reverse=True)

    english = wushan.get(
        f"/api/v1/laborers/{laborer['id']}/matches", headers={"Accept-Language": "en"}
    ).json()
    first = next(m for m in english["items"] if m["vacancy"]["id"] == vacancy["id"])
    assert first["explanation"]["criteria"][0]["text"] == "Occupation 焊工 is one of their skills"
    assert criteria["skill"]["text"] != first["explanation"]["criteria"][0]["text"]


def test_no_transfer_intention_means_no_out_of_province_jobs(login):
    far = _yantai_welding(login)
    near = _wushan_local(login)
    wushan = login("wushan.staff")
    stay_home = _post(
        wushan,
        "/api/v1/laborers",
        laborer_payload(transfer_willing=False, transfer_scope=None, preferred_cities=[]),
    )
    ids = {m["vacancy"]["id"] for m in _matches(wushan, stay_home["id"])["items"]}
    assert near["id"] in ids
    assert far["id"] not in ids
    for item in _matches(wushan, stay_home["id"])["items"]:
        assert item["vacancy"]["region_code"] == "500237"


def test_hard_filters_age_and_education(login):
    strict = _yantai_welding(login, age_min=18, age_max=30, education_min="senior_high")
    wushan = login("wushan.staff")
    too_old = _post(wushan, "/api/v1/laborers", laborer_payload())  # born 1990, junior high
    assert strict["id"] not in {
        m["vacancy"]["id"] for m in _matches(wushan, too_old["id"])["items"]
    }


def test_someone_not_looking_for_work_gets_no_matches(login):
    wushan = login("wushan.staff")
    student = _post(wushan, "/api/v1/laborers", laborer_payload(employment_status="student"))
    body = _matches(wushan, student["id"])
    assert (body["reason"], body["items"]) == ("not_available", [])


def test_a_vacancys_laborers_for_the_county_only(login):
    vacancy = _yantai_welding(login)
    wushan = login("wushan.staff")
    welder = _post(wushan, "/api/v1/laborers", laborer_payload())
    url = f"/api/v1/vacancies/{vacancy['id']}/matches"
    response = wushan.get(url, params={"limit": 200})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert welder["id"] in {m["laborer"]["id"] for m in items}
    assert all("id_number" not in m["laborer"] and "phone" not in m["laborer"] for m in items)
    # The liaison office works the same register.
    assert login("wushan.yantai.staff").get(url).status_code == 200
    # The receiving bureau sees referred candidates only, not the county's register.
    refused = login("yantai.staff").get(url)
    assert refused.status_code == 403
    # Another pairing does not see the vacancy at all.
    assert login("kaizhou.staff").get(url).status_code == 404
    # Other counties' laborers are not matched for a laborer they cannot see either.
    assert login("kaizhou.staff").get(f"/api/v1/laborers/{welder['id']}/matches").status_code == 404


def test_closed_vacancy_has_no_matches(login):
    vacancy = _yantai_welding(login)
    yantai = login("yantai.staff")
    paused = yantai.patch(
        f"/api/v1/vacancies/{vacancy['id']}", json={"version": 1, "status": "paused"}
    )
    assert paused.status_code == 200
    body = login("wushan.staff").get(f"/api/v1/vacancies/{vacancy['id']}/matches").json()
    assert (body["reason"], body["items"]) == ("vacancy_not_open", [])
